"""Reading the queue: filters, counts and keyset pagination (no OFFSET scans)."""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json

import sqlalchemy as sa

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus, QueueItem

PAGE_SIZE = 25


@dataclasses.dataclass
class QueueFilter:
    kinds: tuple[str, ...] = ()       # the kinds this user may see; () = none
    kind: str | None = None
    status: str = ItemStatus.OPEN.value   # "open", "waiting", "closed" or "all"
    category_id: int | None = None
    grid_id: int | None = None
    assignee_id: int | None = None
    overdue: bool = False

    def conditions(self, now: dt.datetime, skip: str | None = None) -> list:
        conds = [QueueItem.kind.in_(self.kinds)]
        if self.kind and skip != "kind":
            conds.append(QueueItem.kind == self.kind)
        if self.status != "all" and skip != "status":
            conds.append(QueueItem.status == self.status)
        if self.category_id and skip != "category":
            conds.append(QueueItem.category_id == self.category_id)
        if self.grid_id and skip != "grid":
            conds.append(QueueItem.grid_id == self.grid_id)
        if self.assignee_id and skip != "assignee":
            conds.append(QueueItem.assignee_id == self.assignee_id)
        if self.overdue and skip != "overdue":
            conds += [QueueItem.due_at < now, QueueItem.status != ItemStatus.CLOSED.value]
        return conds


def encode_cursor(item: QueueItem) -> str:
    raw = json.dumps([item.priority, item.created_at.isoformat(), item.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        priority, created, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return int(priority), dt.datetime.fromisoformat(created), int(item_id)
    except (ValueError, TypeError):
        return None


def page(flt: QueueFilter, cursor: str | None = None, limit: int = PAGE_SIZE,
         now: dt.datetime | None = None) -> tuple[list[QueueItem], str | None]:
    """One page in queue order (priority high first, then oldest), after ``cursor``."""
    now = now or utcnow()
    query = sa.select(QueueItem).where(*flt.conditions(now))
    after = decode_cursor(cursor)
    if after:
        priority, created, item_id = after
        query = query.where(sa.or_(
            QueueItem.priority < priority,
            sa.and_(QueueItem.priority == priority, QueueItem.created_at > created),
            sa.and_(QueueItem.priority == priority, QueueItem.created_at == created, QueueItem.id > item_id),
        ))
    query = query.order_by(QueueItem.priority.desc(), QueueItem.created_at, QueueItem.id).limit(limit + 1)
    items = list(db.session.scalars(query))
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return items[:limit], next_cursor


def counts(flt: QueueFilter, now: dt.datetime | None = None) -> dict[str, dict]:
    """For each filter dimension, the number of items per value (the other filters applied)."""
    now = now or utcnow()
    result = {}
    for name, column in (("kind", QueueItem.kind), ("status", QueueItem.status),
                         ("category", QueueItem.category_id), ("grid", QueueItem.grid_id),
                         ("assignee", QueueItem.assignee_id)):
        rows = db.session.execute(
            sa.select(column, sa.func.count()).where(*flt.conditions(now, skip=name)).group_by(column))
        result[name] = {value: n for value, n in rows}
    result["overdue"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(QueueItem).where(
            *flt.conditions(now, skip="overdue"), QueueItem.due_at < now,
            QueueItem.status != ItemStatus.CLOSED.value))
    return result
