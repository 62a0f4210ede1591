"""The open API: Open311 GeoReport v2 under /open311/ (and the admins' page for its client keys),
the JSON API under /api/v1/ (and the users' page for their personal tokens)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from tipboard.api import account, admin, demo, feeds, models, open311, v1, v1_staff  # noqa: E402,F401  (registers models and routes)
