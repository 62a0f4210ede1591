"""The outbox worker: queue one delivery per message and channel, then send each with retries.

Every step is its own short transaction, so what a provider accepted is recorded at once:
1. route: a message not yet routed gets a delivery row per channel (unique per message and
   channel), claimed by a conditional UPDATE of ``outbox_message.sent_at``;
2. claim: a due delivery moves pending/retrying -> sending by a conditional UPDATE (attempts + 1),
   committed BEFORE the provider is called, so two workers never send the same row;
3. send, then record sent / retrying (exponential backoff) / failed, only if still "sending".

A row left "sending" by a worker that was killed mid-send is never sent again automatically: it
becomes "unknown" and waits on the admin page for a person to retry it. We choose at most once
over at least once because none of the providers deduplicates a repeated request for us (Tencent
SMS has no idempotency key, only a SessionContext echoed in its reports; SMTP and Web Push none),
a second SMS costs money and confuses, and the message stays readable in the inbox anyway.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.flow import unit_of_work
from tipboard.notify.channels import SendError, forget_subscriptions, prepare, transmit
from tipboard.notify.models import Delivery, DeliveryStatus, TipPushSubscription
from tipboard.notify.routing import channels_for
from tipboard.outbox import OutboxMessage
from tipboard.tips.workflow import CLOSED_STATUSES

log = logging.getLogger("tipboard.notify")
S = DeliveryStatus
DUE = (S.PENDING.value, S.RETRYING.value)
MAX_BACKOFF_SECONDS = 6 * 3600


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2 x base, 4 x base ... capped."""
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def route_new(now: dt.datetime, limit: int = 500) -> int:
    """Give every message not yet routed its delivery rows; returns how many messages."""
    routed = 0
    with unit_of_work():
        ids = db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        for message_id in ids:
            taken = db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
                .values(sent_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not taken:
                continue
            message = db.session.get(OutboxMessage, message_id)
            for channel in channels_for(message):
                try:
                    with db.session.begin_nested():
                        db.session.add(Delivery(message_id=message_id, channel=channel, next_attempt_at=now))
                except IntegrityError:  # already queued (a second worker, a re-route): once is enough
                    continue
            routed += 1
        db.session.flush()
    return routed


def mark_stale(now: dt.datetime) -> int:
    """Rows left "sending" by a stopped worker become "unknown" (see the module's docstring)."""
    stale_before = now - dt.timedelta(seconds=current_app.config["OUTBOX_SENDING_STALE_SECONDS"])
    with unit_of_work():
        count = db.session.execute(
            sa.update(Delivery)
            .where(Delivery.status == S.SENDING.value, Delivery.claimed_at < stale_before)
            .values(status=S.UNKNOWN.value, last_error="the worker stopped while sending; maybe sent")
            .execution_options(synchronize_session=False)
        ).rowcount
    if count:
        log.warning("notify.stale_sending count=%s", count)
    return count


def claim(delivery_id: int, now: dt.datetime) -> bool:
    with unit_of_work():
        return bool(
            db.session.execute(
                sa.update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.status.in_(DUE), Delivery.next_attempt_at <= now)
                .values(status=S.SENDING.value, claimed_at=now, attempts=Delivery.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
        )


def _finish(delivery_id: int, **values) -> None:
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == S.SENDING.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _forget_closed_tip_followers(message: OutboxMessage) -> None:
    """A closed tip's browsers are forgotten once its last notice has gone (or failed)."""
    if message.tip_id is not None and message.tip.status_enum in CLOSED_STATUSES:
        db.session.execute(sa.delete(TipPushSubscription).where(TipPushSubscription.tip_id == message.tip_id))


def _record_failure(delivery_id: int, exc: SendError, attempts: int, message, now: dt.datetime) -> None:
    last = exc.permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    status = S.FAILED if last else S.RETRYING
    _finish(delivery_id, status=status.value, last_error=exc.reason, next_attempt_at=now + backoff(attempts))
    log.warning("notify.failed delivery=%s status=%s", delivery_id, status)
    if last:
        _forget_closed_tip_followers(message)


def send_one(delivery_id: int, now: dt.datetime) -> bool:
    """Claim, send and record one delivery; True if the provider accepted it. The provider is
    called between transactions: a slow one must not hold a lock (on SQLite, every writer's)."""
    if not claim(delivery_id, now):
        return False
    with unit_of_work():
        delivery = db.session.get(Delivery, delivery_id)
        db.session.refresh(delivery)
        message_id, channel, attempts = delivery.message_id, delivery.channel, delivery.attempts
        try:
            out = prepare(channel, delivery.message, delivery_id)
        except SendError as exc:  # nobody to send to: nothing will change by waiting
            _record_failure(delivery_id, exc, attempts, delivery.message, now)
            return False
    try:
        ref, gone = transmit(out)
        error = None
    except Exception as exc:  # a refusal, or a fault of ours: recorded, and the batch goes on
        if not isinstance(exc, SendError):
            log.exception("notify.send_error delivery=%s", delivery_id)
            exc = SendError(f"{channel}: {type(exc).__name__}")
        error, gone = exc, exc.gone
    with unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        forget_subscriptions(message, gone)
        if error is not None:
            _record_failure(delivery_id, error, attempts, message, now)
            return False
        _finish(
            delivery_id, status=S.SENT.value, sent_at=utcnow(), provider_ref=str(ref)[:128], last_error=None
        )
        _forget_closed_tip_followers(message)
        return True


def deliver_pending(limit: int = 500, now: dt.datetime | None = None) -> int:
    """Route new messages and send every due delivery; returns how many were accepted."""
    now = now or utcnow()
    mark_stale(now)
    route_new(now, limit)
    due = db.session.scalars(
        sa.select(Delivery.id)
        .where(Delivery.status.in_(DUE), Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
        .limit(limit)
    ).all()
    sent = sum(send_one(delivery_id, now) for delivery_id in due)
    if due:
        log.info("notify.delivered due=%s sent=%s", len(due), sent)
    return sent


def retry(delivery_id: int, now: dt.datetime | None = None) -> bool:
    """An admin's retry of a stuck delivery (failed, retrying or unknown): due now, attempts kept."""
    return bool(
        db.session.execute(
            sa.update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status.in_([s.value for s in (S.FAILED, S.RETRYING, S.UNKNOWN)]),
            )
            .values(status=S.RETRYING.value, next_attempt_at=now or utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def stuck(limit: int = 200) -> list[Delivery]:
    return db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.status.in_([s.value for s in (S.FAILED, S.RETRYING, S.UNKNOWN)]))
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()
