"""Delivery rows, channel choices, push subscriptions and area watches."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import utcnow
from tipboard.extensions import db


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PUSH = "push"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt
    SENDING = "sending"  # claimed by a worker, the provider is being called
    RETRYING = "retrying"  # an attempt failed; the next one is at next_attempt_at
    SENT = "sent"  # the provider accepted it
    FAILED = "failed"  # given up (too many attempts, or a refusal that will not change)
    UNKNOWN = "unknown"  # a worker stopped mid-send: maybe sent; never resent without an admin


#: The states an admin is shown as stuck.
STUCK = (DeliveryStatus.RETRYING, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)


class Delivery(db.Model):
    """One message by one channel. The unique pair makes a second delivery of the same message by
    the same channel impossible; the status moves only by conditional UPDATEs (worker.py)."""

    __tablename__ = "outbox_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_message.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    # The provider's error, without the text or address of the message.
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    provider_ref: Mapped[str | None] = mapped_column(sa.String(128))

    message = relationship("OutboxMessage", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("message_id", "channel"),
        sa.Index("ix_outbox_delivery_status_next", "status", "next_attempt_at"),
    )


class ChannelChoice(db.Model):
    """The channels a person accepts messages by (a comma list); no row: the first they can be
    reached by."""

    __tablename__ = "channel_choice"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    channels: Mapped[str] = mapped_column(sa.String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]


class PushSubscription(db.Model):
    """A browser of a signed-in person that accepts Web Push."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class TipPushSubscription(db.Model):
    """A browser following an anonymous tip by Web Push: bound to the tip, no person; deleted when
    the tip closes (after its last notice is delivered)."""

    __tablename__ = "tip_push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000))
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("tip_id", "endpoint"),)

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class AlertWatch(db.Model):
    """A resident's watch: new public hazards in an area (a point and radius, or a grid), of some
    categories (none listed: all)."""

    __tablename__ = "alert_watch"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    radius_m: Mapped[int | None]
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id", ondelete="CASCADE"))
    category_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User")
    grid = relationship("Grid")

    __table_args__ = (
        sa.CheckConstraint(
            "(lat IS NOT NULL AND lon IS NOT NULL AND radius_m IS NOT NULL) OR grid_id IS NOT NULL",
            name="has_area",
        ),
    )
