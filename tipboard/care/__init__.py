"""The care register (宜老宜小): restricted files of people in care, care plans, home visits from a
phone, overdue visits in the queue, and the care ledger."""

from flask import Blueprint

bp = Blueprint("care", __name__, url_prefix="/care")

from tipboard.care import demo, jobs, models, queue, views  # noqa: E402,F401  (registrations, routes)
