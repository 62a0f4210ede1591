"""Web Push for a tip's reporter, with no identity stored: a browser that may act as the reporter
(code and secret, tipboard/tips/access.py) subscribes, and the subscription is bound to the tip
alone. Its status changes are pushed; when the tip closes, the last notice is pushed and then the
subscriptions are deleted (worker._forget_closed_tip_followers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tipboard.events import tip_status_changed
from tipboard.extensions import db
from tipboard.notify.channels import push_endpoint_allowed
from tipboard.notify.models import TipPushSubscription
from tipboard.outbox import notify_tip_followers, register_message
from tipboard.tips.workflow import CLOSED_STATUSES

MAX_BROWSERS_PER_TIP = 5

register_message(
    "notify.tip_news",
    _l("News about your report %(code)s"),
    _l("The station updated your report. Open it with your code and secret to read what changed."),
    channels=("push",),
)
register_message(
    "notify.tip_closed",
    _l("Your report %(code)s is closed"),
    _l(
        "The station closed your report. Open it with your code and secret to read how. This browser will get no more notices about it."
    ),
    channels=("push",),
)


class SubscriptionError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def valid_subscription(data) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a browser's PushSubscription JSON, or SubscriptionError."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise SubscriptionError("bad_subscription")
    endpoint, keys = data.get("endpoint"), data["keys"]
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(v, str) for v in (endpoint, p256dh, auth)):
        raise SubscriptionError("bad_subscription")
    if len(endpoint) > 1000 or not (40 <= len(p256dh) <= 200) or not (8 <= len(auth) <= 64):
        raise SubscriptionError("bad_subscription")
    if not push_endpoint_allowed(endpoint):
        raise SubscriptionError("unknown_push_service")
    return endpoint, p256dh, auth


def follow_tip(tip, data) -> TipPushSubscription:
    """Bind a browser's push subscription to ``tip`` (the caller checked reporter access)."""
    endpoint, p256dh, auth = valid_subscription(data)
    if tip.status_enum in CLOSED_STATUSES:
        raise SubscriptionError("tip_closed")
    existing = db.session.scalar(
        sa.select(TipPushSubscription).where(
            TipPushSubscription.tip_id == tip.id, TipPushSubscription.endpoint == endpoint
        )
    )
    if existing is not None:
        existing.p256dh, existing.auth = p256dh, auth
        db.session.flush()
        return existing
    count = db.session.scalar(sa.select(sa.func.count()).where(TipPushSubscription.tip_id == tip.id))
    if count >= MAX_BROWSERS_PER_TIP:
        raise SubscriptionError("too_many_browsers")
    row = TipPushSubscription(tip_id=tip.id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    db.session.add(row)
    db.session.flush()
    return row


def is_followed(tip) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(TipPushSubscription.tip_id == tip.id)))


@tip_status_changed.connect
def push_to_followers(tip, actor=None, old=None, new=None, **_kwargs) -> None:
    """Tell the browsers following ``tip`` that it changed (the last notice when it closes)."""
    if not is_followed(tip):
        return
    key = "notify.tip_closed" if new in CLOSED_STATUSES else "notify.tip_news"
    notify_tip_followers(tip, key, {"code": tip.tracking_code, "url": f"/tips/track/{tip.tracking_code}"})
