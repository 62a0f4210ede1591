from flask import Blueprint

bp = Blueprint("tips", __name__, url_prefix="/tips")

from tipboard.tips import jobs, models, views  # noqa: E402,F401  (jobs; models for migrations; routes)
