from flask import Blueprint

bp = Blueprint("patrols", __name__, url_prefix="/patrols")

# demo data, jobs, models, queue kinds, routes (hours records, suggested points and their demo data)
from tipboard.patrols import (  # noqa: E402,F401
    demo,
    hotspot_demo,
    jobs,
    models,
    point_views,
    queue,
    record_views,
    views,
)
