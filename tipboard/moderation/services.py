"""The queue's own workflow: enqueue, claim, act, audit. Knows subjects only through the registry."""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.moderation.models import AuditEntry, ItemStatus, QueueItem, ResponseTemplate
from tipboard.moderation.registry import KEEP, ActionContext, ActionOutcome, ActionRefused, get_kind

CLAIM_MINUTES = 15
NOT_NOW = _l("That action is not possible for this item in its current state.")


class QueueError(Refusal):
    """A refusal of the queue services (messages: moderation.views.QUEUE_ERRORS)."""


_UNCHANGED = object()

#: (kind, subject_id) of the item whose action :func:`perform` is running. The item is brought in
#: step from the action's outcome once, after the handler; code that keeps the item in step with
#: changes made elsewhere (e.g. tips.workflow) asks :func:`in_action` and leaves it.
_ACTING: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar("queue_acting", default=None)


def in_action(kind: str, subject_id: int) -> bool:
    """True while a queue action on this subject's item runs: the queue updates the item itself."""
    return _ACTING.get() == (kind, subject_id)


def summarise(item: QueueItem, subject) -> None:
    """Keep the kind's line about ``subject`` on ``item`` (``summary``, in the current language): what
    the list shows should the subject be gone. The list itself reads the line afresh (:func:`lines`)."""
    item.summary = str(get_kind(item.kind).summary(subject))[:200]


def lines(items: list[QueueItem]) -> dict[int, str]:
    """Each item's line for the list, in the reader's language, from its subject as it is now: one
    load per kind on the page (``QueueKind.load_many``). An item whose subject is gone shows the
    line it was queued with."""
    wanted: dict[str, list[int]] = {}
    for item in items:
        wanted.setdefault(item.kind, []).append(item.subject_id)
    subjects = {}
    for name, ids in wanted.items():
        kind = get_kind(name)
        found = kind.load_many(ids) if kind.load_many else {i: kind.load(i) for i in ids}
        subjects.update({(name, i): subject for i, subject in found.items() if subject is not None})
    return {
        item.id: str(get_kind(item.kind).summary(subjects[item.kind, item.subject_id]))
        if (item.kind, item.subject_id) in subjects
        else item.summary
        for item in items
    }


def subjects_by_id(model, ids: list[int], *options) -> dict[int, object]:
    """``{id: row}`` of ``model`` for ``ids`` in one query (a kind's ``load_many``)."""
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options))
    return {row.id: row for row in rows}


def enqueue(
    kind: str,
    subject_id: int,
    *,
    subject=None,
    summary: str = "",
    priority: int = 0,
    category_id: int | None = None,
    grid_id: int | None = None,
    team_id: int | None = None,
    due_at: dt.datetime | None = None,
    actor=None,
    reason: str | None = None,
    status: str = ItemStatus.OPEN.value,
    assignee_id=_UNCHANGED,
    new_subject: bool = False,
) -> QueueItem:
    """Put a subject in the queue (or back in it, if it has been there before). ``new_subject``
    says the subject was created in this transaction, so it cannot have an item yet.

    Given the ``subject``, the item keeps the kind's line about it (:func:`summarise`); otherwise
    ``summary`` is the line."""
    if get_kind(kind) is None:
        raise QueueError("unknown_kind")
    item = None if new_subject else item_for(kind, subject_id)
    if item is None:
        item = QueueItem(kind=kind, subject_id=subject_id)
        db.session.add(item)
    if assignee_id is not _UNCHANGED:
        item.assignee_id = assignee_id
    item.status = status
    if subject is not None:
        with db.session.no_autoflush:  # a summary that loads something must not insert the half-set item
            summarise(item, subject)
    else:
        item.summary = summary[:200]
    item.priority = priority
    item.category_id, item.grid_id, item.team_id = category_id, grid_id, team_id
    item.due_at = due_at
    item.closed_at = None
    record(item, actor, "enqueue", reason=reason, after={"status": item.status})  # flushes both
    return item


def item_for(kind: str, subject_id: int) -> QueueItem | None:
    return db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == kind, QueueItem.subject_id == subject_id)
    )


def record(
    item: QueueItem | None,
    actor,
    action: str,
    *,
    reason: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    kind: str | None = None,
    subject_id: int | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        item=item,
        kind=kind or item.kind,
        subject_id=subject_id if subject_id is not None else item.subject_id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        reason=reason,
        before=before or {},
        after=after or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def audit_trail(kind: str, subject_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.kind == kind, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    )


def claim(item_id: int, user, now: dt.datetime | None = None) -> bool:
    """Claim an item for CLAIM_MINUTES with one conditional UPDATE: of two at once, one wins."""
    now = now or utcnow()
    won = (
        db.session.execute(
            sa.update(QueueItem)
            .where(
                QueueItem.id == item_id,
                sa.or_(
                    QueueItem.claimed_by_id.is_(None),
                    QueueItem.claimed_by_id == user.id,
                    QueueItem.claimed_until.is_(None),
                    QueueItem.claimed_until <= now,
                ),
            )
            .values(claimed_by_id=user.id, claimed_until=now + dt.timedelta(minutes=CLAIM_MINUTES))
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    if won:
        item = db.session.get(QueueItem, item_id)
        db.session.refresh(item)
        record(item, user, "claim")
    return won


def release(item: QueueItem, user) -> None:
    if item.claimed_by_id == user.id:
        item.claimed_by_id = None
        item.claimed_until = None
        record(item, user, "release")
        db.session.flush()


def perform(
    item: QueueItem,
    action_name: str,
    actor,
    data: dict | None = None,
    *,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    require_claim: bool = True,
) -> ActionOutcome:
    """Take one action on one item: permission, claim, the kind's handler, the audit entry."""
    now = now or utcnow()
    kind = get_kind(item.kind)
    if kind is None:
        raise QueueError("unknown_kind")
    action = kind.action(action_name)
    if action is None:
        raise QueueError("unknown_action")
    if not kind.visible_to(actor, item) or not actor.has_role(*action.roles):
        raise QueueError("forbidden")
    if require_claim and item.claimed_by_other(actor, now):
        raise QueueError("claimed_by_other")
    subject = kind.load(item.subject_id)
    if subject is None:
        raise QueueError("missing_subject")
    if action.available is not None and not action.available(subject, actor):
        raise ActionRefused(str(NOT_NOW))
    acting = _ACTING.set((item.kind, item.subject_id))
    try:
        outcome = action.handler(
            ActionContext(
                item=item, subject=subject, actor=actor, data=data or {}, idempotency_key=idempotency_key
            )
        )
    finally:
        _ACTING.reset(acting)
    item.status = outcome.item_status
    item.closed_at = now if outcome.item_status == ItemStatus.CLOSED.value else None
    if outcome.priority is not KEEP and outcome.priority is not None:
        item.priority = outcome.priority
    if outcome.due_at is not KEEP:
        item.due_at = outcome.due_at
    if outcome.assignee_id is not KEEP:
        item.assignee_id = outcome.assignee_id
    if outcome.item_status == ItemStatus.CLOSED.value:
        item.claimed_by_id, item.claimed_until = None, None
    record(item, actor, action_name, reason=outcome.reason, before=outcome.before, after=outcome.after)
    db.session.flush()
    return outcome


@dataclasses.dataclass
class BulkResult:
    """What became of one item of a bulk action: done (with the action's outcome) or refused, with
    ``code`` (a QueueError code, "not_found", or "refused" with the refusal's ``message``)."""

    item_id: int
    outcome: ActionOutcome | None = None
    code: str | None = None
    message: str | None = None

    @property
    def done(self) -> bool:
        return self.outcome is not None


def perform_many(
    kind: str,
    item_ids: Iterable[int],
    action_name: str,
    actor,
    data: dict | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[BulkResult]:
    """One action, with the same inputs, on several items of one kind. Each item is checked, done
    and audited on its own inside a savepoint, so a refused item leaves the others done. The action
    must be one the kind offers in bulk (QueueError "unknown_action" otherwise)."""
    queue_kind = get_kind(kind)
    if queue_kind is None:
        raise QueueError("unknown_kind")
    action = queue_kind.action(action_name)
    if action is None or not action.bulk:
        raise QueueError("unknown_action")
    ids = list(dict.fromkeys(item_ids))
    found = (
        {i.id: i for i in db.session.scalars(sa.select(QueueItem).where(QueueItem.id.in_(ids)))}
        if ids
        else {}
    )
    results = []
    for item_id in ids:
        item = found.get(item_id)
        if item is None or item.kind != kind:
            results.append(BulkResult(item_id, code="not_found"))
            continue
        try:
            with db.session.begin_nested():
                outcome = perform(item, action_name, actor, data, now=now)
        except QueueError as exc:
            results.append(BulkResult(item_id, code=exc.code))
        except ActionRefused as exc:
            results.append(BulkResult(item_id, code="refused", message=str(exc)))
        else:
            results.append(BulkResult(item_id, outcome=outcome))
    return results


def save_response_template(
    template: ResponseTemplate | None, *, title: str, body_zh: str, body_en: str, active: bool
) -> ResponseTemplate:
    """Create (``template`` None) or update a response template; text is trimmed."""
    template = template if template is not None else ResponseTemplate()
    template.title, template.body_zh, template.body_en = title.strip(), body_zh.strip(), body_en.strip()
    template.active = bool(active)
    db.session.add(template)
    db.session.flush()
    return template
