from flask import Blueprint

bp = Blueprint("tips", __name__, url_prefix="/tips")

from tipboard.tips import followup, jobs, models, queue, views  # noqa: E402,F401  (registers models, jobs,
#                                                                   the queue kind and routes)
