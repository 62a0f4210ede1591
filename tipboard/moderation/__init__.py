from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from tipboard.moderation import escalation, jobs, models, views  # noqa: E402,F401  (models, jobs, routes)
