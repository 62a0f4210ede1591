from flask import Blueprint

bp = Blueprint("rewards", __name__, url_prefix="/rewards")

from tipboard.rewards import demo, jobs, models, queue, views  # noqa: E402,F401  (demo data, jobs, models, queue kinds, routes)
