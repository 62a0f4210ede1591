"""A signed-in person's browsers that accept Web Push."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.notify.models import PushSubscription
from tipboard.notify.tipwatch import valid_subscription

MAX_BROWSERS_PER_PERSON = 10


def subscribe(user, data) -> PushSubscription:
    """Store (or move to ``user``) a browser's push subscription; one row per endpoint."""
    endpoint, p256dh, auth = valid_subscription(data)
    row = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(user_id=user.id, endpoint=endpoint, p256dh=p256dh, auth=auth)
        db.session.add(row)
    else:  # the same browser, now signed in as this person
        row.user_id, row.p256dh, row.auth = user.id, p256dh, auth
    db.session.flush()
    extra = db.session.scalars(
        sa.select(PushSubscription.id)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.id.desc())
        .offset(MAX_BROWSERS_PER_PERSON)
    ).all()
    if extra:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(extra)))
    return row


def unsubscribe(user, endpoint: str) -> int:
    return db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint
        )
    ).rowcount


def push_subscription_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(PushSubscription.user_id == user.id))
