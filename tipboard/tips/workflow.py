"""The tip's state machine: which action may move a tip from which status to which.

One table, tested exhaustively; every change goes through :func:`transition`, which writes the
timeline entry, keeps the service-level timestamps and the tip's queue item in step, and tells the
other blueprints (tipboard.events: ``tip_status_changed``, ``tip_verified``).
"""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l

from tipboard.database import utcnow
from tipboard.events import tip_status_changed, tip_verified
from tipboard.extensions import db
from tipboard.geo import responsible_officer
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.services import enqueue, in_action, item_for
from tipboard.tips.models import PUBLIC_STATUSES, EventKind, EventVisibility, Tip, TipEvent, TipStatus

#: The tip's kind in the moderation queue (its actions: tips.queue).
KIND = "tip"


class TipAction(enum.StrEnum):
    VERIFY = "verify"
    REJECT = "reject"
    DUPLICATE = "duplicate"
    ASK = "ask"
    ASSIGN = "assign"
    START = "start"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    ANSWER = "answer"  # the reporter answered a question (not a staff action)


S = TipStatus
WORKING = {S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}

#: action -> (statuses it may start from, status it leads to; None = back to the status before
#: the question).
TRANSITIONS: dict[TipAction, tuple[frozenset[TipStatus], TipStatus | None]] = {
    TipAction.VERIFY: (frozenset({S.NEW, S.NEEDS_INFO}), S.VERIFIED),
    TipAction.REJECT: (frozenset({S.NEW, S.NEEDS_INFO} | WORKING), S.REJECTED),
    TipAction.DUPLICATE: (frozenset({S.NEW, S.NEEDS_INFO} | WORKING), S.DUPLICATE),
    TipAction.ASK: (frozenset({S.NEW} | WORKING), S.NEEDS_INFO),
    TipAction.ASSIGN: (frozenset(WORKING), S.ASSIGNED),
    TipAction.START: (frozenset({S.VERIFIED, S.ASSIGNED, S.REOPENED}), S.IN_PROGRESS),
    TipAction.RESOLVE: (frozenset(WORKING), S.RESOLVED),
    TipAction.REOPEN: (frozenset({S.RESOLVED, S.REJECTED, S.DUPLICATE}), S.REOPENED),
    TipAction.ANSWER: (frozenset({S.NEEDS_INFO}), None),
}

CLOSED_STATUSES = frozenset({S.RESOLVED, S.REJECTED, S.DUPLICATE})

REFUSALS = {
    TipAction.VERIFY: _l("Only a new report (or one waiting for an answer) can be verified."),
    TipAction.REJECT: _l("This report is already closed."),
    TipAction.DUPLICATE: _l("This report is already closed."),
    TipAction.ASK: _l("A question can only be asked while the report is open and not already waiting."),
    TipAction.ASSIGN: _l("Verify the report before assigning it."),
    TipAction.START: _l("Work can start only on a verified or assigned report."),
    TipAction.RESOLVE: _l("Only a verified report that is being worked on can be resolved."),
    TipAction.REOPEN: _l("Only a resolved, rejected or duplicate report can be reopened."),
    TipAction.ANSWER: _l("There is no open question on this report."),
}


class IllegalTransition(Exception):
    def __init__(self, action: TipAction, status: TipStatus):
        super().__init__(f"{action} not allowed from {status}")
        self.action, self.status = action, status

    @property
    def message(self) -> str:
        return str(REFUSALS[self.action])


def allowed(action: TipAction, status: TipStatus) -> bool:
    return status in TRANSITIONS[action][0]


def transition(
    tip: Tip,
    action: TipAction,
    actor=None,
    *,
    public_note: str | None = None,
    reporter_note: str | None = None,
    internal_note: str | None = None,
    now=None,
) -> tuple[TipStatus, TipStatus]:
    """Move ``tip`` by ``action``; raise IllegalTransition if the table forbids it."""
    now = now or utcnow()
    old = tip.status_enum
    if not allowed(action, old):
        raise IllegalTransition(action, old)
    target = TRANSITIONS[action][1]
    if target is None:  # an answer: back to where the tip was before the question
        target = TipStatus(tip.status_before_question or TipStatus.NEW.value)
        tip.status_before_question = None
    if action == TipAction.ASK:
        tip.status_before_question = old.value
    tip.status = target.value
    if actor is not None and tip.first_response_at is None:
        tip.first_response_at = now
    if target == S.VERIFIED and tip.published_at is None:
        tip.published_at = now
    if target == S.RESOLVED:
        tip.resolved_at = now
    elif target == S.REOPENED:
        tip.resolved_at = None
    author_id = actor.id if actor is not None else None
    if action != TipAction.ANSWER:
        visibility = EventVisibility.PUBLIC if target in PUBLIC_STATUSES else EventVisibility.REPORTER
        tip.events.append(
            TipEvent(
                kind=EventKind.STATUS.value,
                status=target.value,
                body=public_note or None,
                visibility=visibility.value,
                author_id=author_id,
                created_at=now,
            )
        )
    if reporter_note:
        kind = EventKind.QUESTION if action == TipAction.ASK else EventKind.STAFF_MESSAGE
        tip.events.append(
            TipEvent(
                kind=kind.value,
                body=reporter_note,
                author_id=author_id,
                visibility=EventVisibility.REPORTER.value,
                created_at=now,
            )
        )
    if internal_note:
        add_internal_note(tip, actor, internal_note, now=now)
    db.session.flush()
    _sync_item(tip, target)
    tip_status_changed.send(tip, actor=actor, old=old, new=target, action=action)
    if target == S.VERIFIED:
        tip_verified.send(tip, actor=actor)
    return old, target


def add_internal_note(tip: Tip, actor, body: str, now=None) -> TipEvent:
    event = TipEvent(
        kind=EventKind.NOTE.value,
        body=body,
        visibility=EventVisibility.INTERNAL.value,
        author_id=actor.id if actor is not None else None,
        created_at=now or utcnow(),
    )
    tip.events.append(event)
    db.session.flush()
    return event


# --- the tip's item in the moderation queue ------------------------------------------------------


def item_status_for(status: TipStatus) -> str:
    if status in CLOSED_STATUSES:
        return ItemStatus.CLOSED.value
    if status == TipStatus.NEEDS_INFO:
        return ItemStatus.WAITING.value
    return ItemStatus.OPEN.value


def priority_for(tip: Tip) -> int:
    return (10 if tip.category.is_hazard else 0) + min(tip.me_too_count, 10)


def due_for(tip: Tip) -> dt.datetime | None:
    """First response is due first; once answered, resolution is."""
    category = tip.category
    if tip.first_response_at is None and category.response_hours:
        return tip.created_at + dt.timedelta(hours=category.response_hours)
    if category.resolution_hours:
        return tip.created_at + dt.timedelta(hours=category.resolution_hours)
    return None


def enqueue_tip(tip: Tip, new_subject: bool = False) -> None:
    if new_subject and tip.assignee_id is None:  # a new tip goes to its grid's officer (staff may reassign)
        tip.assignee_id = responsible_officer(tip.grid_id)
    enqueue(
        KIND,
        tip.id,
        subject=tip,
        priority=priority_for(tip),
        category_id=tip.category_id,
        grid_id=tip.grid_id,
        due_at=due_for(tip),
        status=item_status_for(tip.status_enum),
        assignee_id=tip.assignee_id,
        new_subject=new_subject,
    )


def _sync_item(tip: Tip, new: TipStatus) -> None:
    """Changes made outside a queue action (an answer, a follow-up "not fixed") move the item. A
    queue action's handler says the same in its outcome (tips.queue._move), and the queue applies it."""
    if in_action(KIND, tip.id):
        return
    item = item_for(KIND, tip.id)
    if item is None:
        enqueue_tip(tip)
        return
    item.status = item_status_for(new)
    item.closed_at = utcnow() if item.status == ItemStatus.CLOSED.value else None
    item.due_at = due_for(tip)
    item.priority = priority_for(tip)
    item.assignee_id = tip.assignee_id
    db.session.flush()
