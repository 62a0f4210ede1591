from flask import Blueprint

bp = Blueprint("main", __name__)

from tipboard.main import views  # noqa: E402,F401  (registers routes)
