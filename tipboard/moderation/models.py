from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tipboard.database import TimestampMixin, expression_index, utcnow
from tipboard.extensions import db


class ItemStatus(enum.StrEnum):
    OPEN = "open"  # waits on the station
    WAITING = "waiting"  # waits on someone outside (the reporter, a second approver ...)
    CLOSED = "closed"  # decided


class QueueItem(TimestampMixin, db.Model):
    """One thing waiting for a decision. ``kind`` + ``subject_id`` point at the subject.

    ``category_id``, ``grid_id`` and ``assignee_id`` are copies the kind keeps up to date so
    the queue filters without joining every subject table.

    ``summary`` is the kind's line about the subject in the language of the request that last wrote
    it; the list reads the line afresh from the subject (moderation.services.lines) and shows
    ``summary`` only where the subject is gone.
    """

    __tablename__ = "queue_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(10), default=ItemStatus.OPEN.value)
    priority: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(sa.String(200), default="")
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id"))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id"))
    team_id: Mapped[int | None]
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    due_at: Mapped[dt.datetime | None]
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    claimed_until: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]

    claimed_by = relationship("User", foreign_keys=[claimed_by_id])
    assignee = relationship("User", foreign_keys=[assignee_id])

    __table_args__ = (
        sa.UniqueConstraint("kind", "subject_id"),
        # The queue's order: priority, then age; id breaks ties for keyset pagination.
        expression_index("ix_queue_item_order", "status", sa.text("priority DESC"), "created_at", "id"),
        # Covering indexes for the per-filter counts beside the queue (GROUP BY without table reads).
        sa.Index("ix_queue_item_kind_status_category", "kind", "status", "category_id"),
        sa.Index("ix_queue_item_kind_status_grid", "kind", "status", "grid_id"),
        sa.Index("ix_queue_item_kind_status_assignee", "kind", "status", "assignee_id"),
        sa.Index("ix_queue_item_kind_status_due", "kind", "status", "due_at"),
    )

    def is_claimed(self, now: dt.datetime | None = None) -> bool:
        """Someone is working on it: a claim that has not run out."""
        return (
            self.claimed_by_id is not None
            and self.claimed_until is not None
            and self.claimed_until > (now or utcnow())
        )

    def claimed_by_other(self, user, now: dt.datetime | None = None) -> bool:
        return self.is_claimed(now) and self.claimed_by_id != user.id

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status != ItemStatus.CLOSED.value
            and self.due_at is not None
            and self.due_at < (now or utcnow())
        )


class AuditEntry(db.Model):
    """Append-only: who did what to which subject, when and why, with the state before and after.

    Nothing updates or deletes these rows: the ORM refuses it (below) and the database refuses it
    (triggers created by the migration).
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("queue_item.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    after: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    actor = relationship("User")
    # Set with the item itself, so an entry about a new item is inserted in the same flush.
    item = relationship("QueueItem")

    __table_args__ = (sa.Index("ix_audit_entry_subject", "kind", "subject_id", "id"),)


class AuditIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, _flush_context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditIsAppendOnly("audit entries are never changed or deleted")


class ResponseTemplate(TimestampMixin, db.Model):
    """Admin-managed wording for public notes, in both languages."""

    __tablename__ = "response_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    body_zh: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)

    def body_for(self, locale: str | None) -> str:
        return self.body_zh if (locale or "zh").startswith("zh") else self.body_en
