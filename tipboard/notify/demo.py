"""Demo: the resident watches the market's grid for hazards and chose email; the volunteer and the
leader take their messages by SMS, so the alerts and channel pages show a real choice."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.notify.alerts import add_watch, watches_of
from tipboard.notify.routing import set_choice

CHOICES = {"resident": ["email"], "volunteer": ["sms"], "leader": ["sms", "email"]}


@demo_loader(order=60)
def load_notify_demo() -> None:
    users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(CHOICES)))}
    for username, channels in CHOICES.items():
        set_choice(users[username], channels)
    resident = users["resident"]
    if not watches_of(resident):
        market = db.session.scalar(sa.select(Grid).order_by(Grid.code))
        if market is not None:
            add_watch(resident, grid_id=market.id)
