"""Messages to people, written inside the business transaction and delivered after it commits.

A message is stored as a key and parameters, and rendered in the recipient's language when it is
shown or sent, so the texts stay in the translation catalogues. Blueprints register their message
texts with :func:`register_message`. Every message also shows in the recipient's in-app inbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.redaction import redact

log = logging.getLogger("tipboard.outbox")

_MESSAGES: dict[str, tuple] = {}
# Parameters that are secrets (a password-reset link) are never stored: the stored parameters let
# a function rebuild them when the message is sent; the in-app inbox shows a placeholder instead.
_AT_DELIVERY: dict[str, Callable[[dict], dict]] = {}
NOT_SHOWN_HERE = _l("(sent to your phone or email, not shown here)")


def register_message(key: str, subject, body) -> None:
    """``subject``/``body`` are lazy strings with ``%(name)s`` placeholders."""
    _MESSAGES[key] = (subject, body)


def build_at_delivery(key: str, build: Callable[[dict], dict]) -> None:
    """``build(stored_params)`` returns the secret parameters of message ``key`` when it is sent."""
    _AT_DELIVERY[key] = build


class _Params(dict):
    """Stored parameters; a secret one that is not built here renders as a placeholder."""

    def __missing__(self, name: str) -> str:
        return str(NOT_SHOWN_HERE)


register_message(
    "auth.lockout",
    _l("Your account was locked"),
    _l(
        "Too many wrong passwords were tried for your account. It is locked for %(minutes)s "
        "minutes. If this was not you, change your password after the lock ends."
    ),
)
register_message(
    "auth.password_reset",
    _l("Reset your password"),
    _l("Open this link within %(hours)s hours to choose a new password: %(link)s"),
)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    read_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    user = relationship("User", lazy="joined")

    def render(self, locale: str | None = None, delivering: bool = False) -> tuple[str, str]:
        """The text in the recipient's language; secret parameters only when ``delivering``."""
        subject, body = _MESSAGES.get(self.key, (self.key, ""))
        stored = dict(self.params or {})
        if delivering and self.key in _AT_DELIVERY:
            stored.update(_AT_DELIVERY[self.key](stored))
        with force_locale(locale or self.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            params = _Params({k: str(v) for k, v in stored.items()})
            return str(subject) % params, str(body) % params


def notify(user, key: str, params: dict | None = None) -> OutboxMessage:
    if key not in _MESSAGES:
        raise KeyError(f"unregistered outbox message {key!r}")
    message = OutboxMessage(user=user, key=key, params=params or {})
    db.session.add(message)
    db.session.flush()
    return message


def deliver_pending(limit: int = 500) -> int:
    """Send what is waiting and mark it sent. The caller commits (the scheduler's job, a command)."""
    backend = current_app.config["OUTBOX_BACKEND"]
    pending = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    for message in pending:
        message.attempts += 1
        subject, body = message.render(delivering=True)
        address = message.user.email or message.user.phone or f"user:{message.user_id}"
        if backend == "log":
            # A record of what was sent, not a copy of it: secret links are redacted.
            path = Path(current_app.config["INSTANCE_DIR"]) / "outbox.log"
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"{utcnow().isoformat()} to={address} subject={subject}\n{redact(body)}\n\n")
        elif backend == "memory":
            current_app.extensions.setdefault("outbox_sent", []).append((address, subject, body))
        message.sent_at = utcnow()
    db.session.flush()
    if pending:
        log.info("outbox.delivered count=%s", len(pending))
    return len(pending)


def inbox(user, limit: int = 50) -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.user_id == user.id)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()


def mark_all_read(user, now: dt.datetime | None = None) -> int:
    """Mark every unread message in ``user``'s inbox read; returns how many were unread."""
    return db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
