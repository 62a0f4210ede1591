from flask import Blueprint

bp = Blueprint("patrols", __name__, url_prefix="/patrols")

from tipboard.patrols import demo, jobs, models, queue, record_views, views  # noqa: E402,F401  (demo, jobs, models, queue kinds, routes)
