from flask import Blueprint

bp = Blueprint("main", __name__)

from tipboard.main import views, webapp  # noqa: E402,F401  (registers routes)
