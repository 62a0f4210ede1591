"""Disputes settled in the neighbourhood: mediation from the application to the follow-up visit."""

from flask import Blueprint

bp = Blueprint("disputes", __name__, url_prefix="/disputes")

from tipboard.disputes import (  # noqa: E402,F401  (registrations)
    calendar_views,
    demo,
    from_legal,
    from_tip,
    jobs,
    models,
    queue,
    room,
    screening,
    views,
)
