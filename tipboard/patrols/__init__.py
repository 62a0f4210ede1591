from flask import Blueprint

bp = Blueprint("patrols", __name__, url_prefix="/patrols")

# demo data, jobs, models, queue kinds, routes; suggested points: their demo data and routes
from tipboard.patrols import demo, hotspot_demo, jobs, models, point_views, queue, views  # noqa: E402,F401
