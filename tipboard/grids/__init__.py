"""Accountable grids: each grid's officer and deputy, its grid workers and building leads, and the
duty-leader rota that overdue items are escalated to (tipboard/moderation/escalation.py)."""

from flask import Blueprint

bp = Blueprint("grids", __name__, url_prefix="/grids")

from tipboard.grids import demo, services, views  # noqa: E402,F401  (registrations, routes)
