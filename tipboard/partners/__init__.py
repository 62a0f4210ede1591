"""Partner organisations: the law firms, residents' committees, property managers, street offices
and others who settle disputes and fix problems with the station, and their members."""

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partners")

from tipboard.partners import demo, models, queue, views  # noqa: E402,F401  (registrations)
