from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from tipboard.auth import models, views  # noqa: E402,F401  (models for migrations; routes)
