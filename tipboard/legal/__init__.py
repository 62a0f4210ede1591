"""Legal help: questions answered online by the lawyers on duty (round the clock, by rota), office
hours at the station, and a public FAQ made from answered questions with the asker's consent."""

from flask import Blueprint

bp = Blueprint("legal", __name__, url_prefix="/legal")

from tipboard.legal import (  # noqa: E402,F401  (registers routes, the queue kind, jobs, demo data)
    demo,
    faq_views,
    jobs,
    models,
    office_views,
    queue,
    views,
)
