"""Escalation to the duty leader (带班领导连带责任制): an item of the queue past its due time (a tip's
response or resolution time, a referral's due date ...) is escalated to the day's duty leader, once
per deadline (a unique row), recorded in the audit trail and shown on the overview.

The duty rota names one supervisor per station day. The job (moderation.jobs) runs hourly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus, QueueItem
from tipboard.moderation.services import record
from tipboard.outbox import notify, register_message
from tipboard.permissions import SUPERVISORS
from tipboard.timezones import local_now

log = logging.getLogger("tipboard.escalation")

register_message(
    "moderation.escalated",
    _l("Overdue items escalated to you"),
    _l("As duty leader you were sent %(count)s overdue item(s) from the queue. See the overview."),
)

STAGE_LABELS = {
    "response": _l("first response overdue"),
    "resolution": _l("resolution overdue"),
    "due": _l("past its due time"),
}
BATCH = 500  # items per run; the next run takes the rest


class DutyLeader(db.Model):
    """The supervisor on duty (带班领导) for one station day."""

    __tablename__ = "duty_leader"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")


class Escalation(db.Model):
    """One overdue deadline of one queue item, escalated once to the leader on duty."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("queue_item.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[dt.datetime]  # the deadline that passed
    stage: Mapped[str] = mapped_column(sa.String(12))
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    item = relationship("QueueItem", lazy="joined")
    leader = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("item_id", "due_at"),)

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS.get(self.stage, STAGE_LABELS["due"]))


class EscalationError(Refusal):
    """A refusal of the rota services (messages: grids.views.ERRORS)."""


# A kind may say which deadline its item's due time is (a tip: "response" or "resolution").
_STAGES: dict[str, Callable[[int], str]] = {}


def register_stage(kind: str, stage: Callable[[int], str]) -> None:
    """``stage(subject_id)`` names the deadline an item of ``kind`` is past ("due" without one)."""
    _STAGES[kind] = stage


def set_duty_leader(day: dt.date, user: User) -> DutyLeader:
    """Make ``user`` (a supervisor) the duty leader of ``day``, replacing whoever was."""
    if not user.active or not user.has_role(*SUPERVISORS):
        raise EscalationError("not_supervisor")
    row = db.session.scalar(sa.select(DutyLeader).where(DutyLeader.day == day))
    if row is not None:
        row.user_id = user.id
        db.session.flush()
        return row
    row = DutyLeader(day=day, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # set a moment ago by another supervisor: theirs is replaced
        row = db.session.scalar(sa.select(DutyLeader).where(DutyLeader.day == day))
        row.user_id = user.id
        db.session.flush()
    return row


def clear_duty_leader(day: dt.date) -> None:
    db.session.execute(sa.delete(DutyLeader).where(DutyLeader.day == day))


def duty_leader_on(day: dt.date) -> User | None:
    row = db.session.scalar(sa.select(DutyLeader).where(DutyLeader.day == day))
    return row.user if row is not None and row.user.active else None


def rota(first: dt.date, days: int) -> list[tuple[dt.date, DutyLeader | None]]:
    rows = {
        r.day: r
        for r in db.session.scalars(
            sa.select(DutyLeader).where(
                DutyLeader.day >= first, DutyLeader.day < first + dt.timedelta(days=days)
            )
        )
    }
    return [(first + dt.timedelta(days=i), rows.get(first + dt.timedelta(days=i))) for i in range(days)]


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Escalate every open item past its due time whose deadline was not escalated before, to
    today's duty leader (none on the rota: nothing is escalated, the next run tries again)."""
    now = now or utcnow()
    leader = duty_leader_on(local_now().date())
    if leader is None:
        log.warning("escalation.no_duty_leader day=%s", local_now().date().isoformat())
        return 0
    done_before = sa.select(Escalation.id).where(
        Escalation.item_id == QueueItem.id, Escalation.due_at == QueueItem.due_at
    )
    items = db.session.scalars(
        sa.select(QueueItem)
        .where(
            QueueItem.status != ItemStatus.CLOSED.value,
            QueueItem.due_at.is_not(None),
            QueueItem.due_at < now,
            ~sa.exists(done_before),
        )
        .order_by(QueueItem.due_at, QueueItem.id)
        .limit(BATCH)
    ).all()
    count = 0
    for item in items:
        stage = _STAGES[item.kind](item.subject_id) if item.kind in _STAGES else "due"
        try:
            with db.session.begin_nested():
                db.session.add(
                    Escalation(
                        item_id=item.id, due_at=item.due_at, stage=stage, leader_id=leader.id, created_at=now
                    )
                )
        except IntegrityError:  # escalated by a concurrent run
            continue
        record(
            item,
            None,
            "escalate",
            reason=stage,
            after={"leader_id": leader.id, "due_at": item.due_at.isoformat(timespec="minutes")},
        )
        count += 1
    if count:
        notify(leader, "moderation.escalated", {"count": count})
    return count


def recent_escalations(days: int = 7, limit: int = 20, now: dt.datetime | None = None) -> list[Escalation]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Escalation)
            .where(Escalation.created_at >= now - dt.timedelta(days=days))
            .order_by(Escalation.id.desc())
            .limit(limit)
        )
    )
