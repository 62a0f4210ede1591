"""Messages that arrive: delivery channels behind the outbox, the delivery worker, each person's
channel choices, Web Push for anonymous tips, and area alerts."""

from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notify")

from tipboard.notify import alerts, cli, demo, jobs, models, tipwatch, views  # noqa: E402,F401  (models, jobs, receivers, routes, demo)
