"""Messages to people, written inside the business transaction and delivered after it commits.

A message is stored as a key and parameters, and rendered in the recipient's language when it is
shown or sent, so the texts stay in the translation catalogues. Blueprints register their message
texts with :func:`register_message`, with the channels the kind goes by unless the person chose
otherwise. Every message to a person also shows in their in-app inbox, delivered elsewhere or not;
a message to an anonymous tip's followers (``tip_id``, no person) goes by Web Push only, and one to
a phone number with no account behind it (``phone``: a dispute's other side) by SMS only. Delivery
per channel, with retries, is tipboard/notify/worker.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import utcnow
from tipboard.extensions import db

log = logging.getLogger("tipboard.outbox")

_MESSAGES: dict[str, tuple] = {}
#: A message kind's channels, in order of preference; CHOSEN means "the channels the person chose".
_CHANNELS: dict[str, tuple[str, ...]] = {}
CHOSEN = "chosen"
# Parameters that are secrets (a password-reset link) are never stored: the stored parameters let
# a function rebuild them when the message is sent; the in-app inbox shows a placeholder instead.
_AT_DELIVERY: dict[str, Callable[[dict], dict]] = {}
NOT_SHOWN_HERE = _l("(sent to your phone or email, not shown here)")


def register_message(key: str, subject, body, channels: tuple[str, ...] = (CHOSEN,)) -> None:
    """``subject``/``body`` are lazy strings with ``%(name)s`` placeholders. ``channels`` is the
    kind's default ("sms", "email", "push" or CHOSEN), the first the person accepts is used."""
    _MESSAGES[key] = (subject, body)
    _CHANNELS[key] = tuple(channels)


def default_channels(key: str) -> tuple[str, ...]:
    return _CHANNELS.get(key, (CHOSEN,))


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
    channels=("email", "sms"),
)
register_message(
    "auth.password_reset",
    _l("Reset your password"),
    _l("Open this link within %(hours)s hours to choose a new password: %(link)s"),
    channels=("email", "sms"),
)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # A message to whoever follows an anonymous tip by Web Push: no person, no inbox.
    tip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    # A message to a phone number with no account (0025): SMS only, no inbox, the station's language.
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # When the worker queued its deliveries (one per channel, tipboard/notify/models.py).
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    read_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    user = relationship("User", lazy="joined")
    tip = relationship("Tip")

    __table_args__ = (
        sa.CheckConstraint(
            "user_id IS NOT NULL OR tip_id IS NOT NULL OR phone IS NOT NULL", name="has_any_recipient"
        ),
    )

    @property
    def locale(self) -> str:
        if self.user is not None:
            chosen = self.user.locale
        else:
            chosen = self.tip.locale if self.tip is not None else None
        return chosen or current_app.config["BABEL_DEFAULT_LOCALE"]

    def render(self, locale: str | None = None, delivering: bool = False) -> tuple[str, str]:
        """The text in the recipient's language; secret parameters only when ``delivering``."""
        subject, body = _MESSAGES.get(self.key, (self.key, ""))
        locale = locale or self.locale
        with force_locale(locale):
            params = _Params(self.render_params(delivering, locale))
            return str(subject) % params, str(body) % params

    def render_params(self, delivering: bool = False, locale: str | None = None) -> dict[str, str]:
        """The parameters as text in the reader's language: a name stored in both languages
        (``{"zh": ..., "en": ...}``, geo.BilingualName.names) gives the reader's. Secret ones (built
        when sent) only when ``delivering``."""
        stored = dict(self.params or {})
        if delivering and self.key in _AT_DELIVERY:
            stored.update(_AT_DELIVERY[self.key](stored))
        language = "zh" if (locale or self.locale).startswith("zh") else "en"
        return {k: str(v.get(language, "")) if isinstance(v, dict) else str(v) for k, v in stored.items()}


def _store(key: str, params: dict | None, **recipient) -> OutboxMessage:
    if key not in _MESSAGES:
        raise KeyError(f"unregistered outbox message {key!r}")
    message = OutboxMessage(key=key, params=params or {}, **recipient)
    db.session.add(message)
    db.session.flush()
    return message


def notify(user, key: str, params: dict | None = None) -> OutboxMessage:
    return _store(key, params, user=user)


def notify_tip_followers(tip, key: str, params: dict | None = None) -> OutboxMessage:
    """A message to the browsers that follow ``tip`` by Web Push (tipboard/notify/tipwatch.py)."""
    return _store(key, params, tip=tip)


def notify_phone(phone: str, key: str, params: dict | None = None) -> OutboxMessage:
    """A message by SMS to ``phone``, which no account has (with an account, :func:`notify` the
    person instead: their choices and inbox apply)."""
    return _store(key, params, phone=phone)


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
