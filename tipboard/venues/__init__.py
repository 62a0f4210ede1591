"""Venue points (行业场所积分制): the register of regulated venues, point rules, inspections and
findings, the daily tally, weekly actions and monthly bulletin, and the manager's own page."""

from flask import Blueprint

bp = Blueprint("venues", __name__, url_prefix="/venues")

from tipboard.venues import demo, jobs, models, queue, views  # noqa: E402,F401  (registrations, routes)
