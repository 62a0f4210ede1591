from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from tipboard.moderation import models, views  # noqa: E402,F401  (models for migrations; routes)
