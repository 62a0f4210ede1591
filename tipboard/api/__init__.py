"""The open API: Open311 GeoReport v2 under /open311/ and the admins' page for its client keys."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from tipboard.api import admin, demo, models, open311  # noqa: E402,F401  (registers models and routes)
