"""Reading the queue: filters, counts and keyset pagination (no OFFSET scans)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.ids import MAX_ID
from tipboard.moderation.models import ItemStatus, QueueItem
from tipboard.moderation.registry import all_kinds
from tipboard.tips.models import Category

PAGE_SIZE = 25
STATUSES = (ItemStatus.OPEN.value, ItemStatus.WAITING.value, ItemStatus.CLOSED.value)
NOT_CLOSED = (ItemStatus.OPEN.value, ItemStatus.WAITING.value)
#: Closed items pile up for ever: a count that includes them stops at COUNT_CAP + 1 ("1000+"), so
#: its cost is bounded by the cap, not by the station's history.
COUNT_CAP = 1000


@dataclasses.dataclass
class QueueFilter:
    kinds: tuple[str, ...] = ()  # the kinds this user may see; () = none
    kind: str | None = None
    status: str = ItemStatus.OPEN.value  # "open", "waiting", "closed" or "all"
    category_id: int | None = None
    grid_id: int | None = None
    assignee_id: int | None = None
    overdue: bool = False
    #: (kind, team ids): of these kinds only the items of those teams (QueueKind.team_scope); a kind of
    #: ``kinds`` not named here is seen whole.
    scopes: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @classmethod
    def for_user(cls, user, **filters) -> QueueFilter:
        """The kinds ``user`` may see and, for kinds with a scope, the teams whose items they may see."""
        kinds, scopes = [], []
        asked: dict = {}  # kinds sharing a scope rule (a leader's teams) ask it once
        for kind in all_kinds():
            if not user.has_role(*kind.view_roles):
                continue
            kinds.append(kind.name)
            if kind.team_scope not in asked:
                asked[kind.team_scope] = kind.teams_visible_to(user)
            teams = asked[kind.team_scope]
            if teams is not None:
                scopes.append((kind.name, teams))
        return cls(kinds=tuple(kinds), scopes=tuple(sorted(scopes)), **filters)

    def visibility(self):
        """What this user may see at all, as SQL: the kinds, and the scoped kinds' teams."""
        scoped = dict(self.scopes)
        whole = [k for k in self.kinds if k not in scoped]
        if not scoped:
            return QueueItem.kind.in_(whole)
        parts = [QueueItem.kind.in_(whole)] if whole else []
        by_teams: dict[tuple[int, ...], list[str]] = {}
        for kind in self.kinds:
            if kind in scoped:
                by_teams.setdefault(scoped[kind], []).append(kind)
        parts += [
            sa.and_(QueueItem.kind.in_(kinds), QueueItem.team_id.in_(teams))
            for teams, kinds in by_teams.items()
        ]
        return sa.or_(*parts) if parts else QueueItem.kind.in_(())

    def conditions(self, now: dt.datetime, skip: str | None = None) -> list:
        conds = [self.visibility()]
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
            conds += [QueueItem.due_at < now, QueueItem.status.in_(NOT_CLOSED)]
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
        priority, created, item_id = int(priority), dt.datetime.fromisoformat(created), int(item_id)
    except (ValueError, TypeError):
        return None
    # Only what encode_cursor makes: numbers a column holds, a naive (UTC) time.
    if abs(priority) > MAX_ID or not 0 < item_id <= MAX_ID or created.tzinfo is not None:
        return None
    return priority, created, item_id


def page(
    flt: QueueFilter, cursor: str | None = None, limit: int = PAGE_SIZE, now: dt.datetime | None = None
) -> tuple[list[QueueItem], str | None]:
    """One page in queue order (priority high first, then oldest), after ``cursor``. Each status is
    read in order from its range of ix_queue_item_order, at most a page of each, so "all statuses"
    costs three short index scans rather than a sort of the whole history."""
    now = now or utcnow()
    conds = flt.conditions(now, skip="status")
    after = decode_cursor(cursor)
    if after:
        priority, created, item_id = after
        conds.append(
            sa.or_(
                QueueItem.priority < priority,
                sa.and_(QueueItem.priority == priority, QueueItem.created_at > created),
                sa.and_(
                    QueueItem.priority == priority, QueueItem.created_at == created, QueueItem.id > item_id
                ),
            )
        )
    order = (QueueItem.priority.desc(), QueueItem.created_at, QueueItem.id)
    statuses = STATUSES if flt.status == "all" else (flt.status,)
    per_status = [
        sa.select(QueueItem.id, QueueItem.priority, QueueItem.created_at)
        .where(QueueItem.status == status, *conds)
        .order_by(*order)
        .limit(limit + 1)
        for status in statuses
    ]
    ids = (
        per_status[0].subquery()
        if len(per_status) == 1
        else sa.union_all(*(q.subquery().select() for q in per_status)).subquery()
    )
    query = (
        sa.select(QueueItem)
        .join(ids, QueueItem.id == ids.c.id)
        .order_by(ids.c.priority.desc(), ids.c.created_at, ids.c.id)
        .limit(limit + 1)
    )
    items = list(db.session.scalars(query))
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return items[:limit], next_cursor


FACETS = (
    ("kind", "kind"),
    ("status", "status"),
    ("category", "category_id"),
    ("grid", "grid_id"),
    ("assignee", "assignee_id"),
)


def facet_names(flt: QueueFilter, found: dict[str, dict]) -> dict[str, dict]:
    """The categories' (English, Chinese) names and the assignees' names that the counts ``found``
    (and the filter's own category) name: two small queries by primary key."""
    category_ids = [k for k in [*found["category"], flt.category_id] if k]
    assignee_ids = [k for k in found["assignee"] if k]
    categories = (
        db.session.execute(
            sa.select(Category.id, Category.name_en, Category.name_zh).where(Category.id.in_(category_ids))
        )
        if category_ids
        else ()
    )
    assignees = (
        db.session.execute(sa.select(User.id, User.name).where(User.id.in_(assignee_ids)))
        if assignee_ids
        else ()
    )
    return {
        "category": {id_: (en, zh) for id_, en, zh in categories},
        "assignee": {id_: name for id_, name in assignees},
    }


def counts(flt: QueueFilter, now: dt.datetime | None = None) -> dict:
    """For each filter dimension, the number of items per value (the other filters applied), and
    the number overdue. Each is a GROUP BY on a (kind, status, column) index. Over open and waiting
    items the counts are exact; closed items pile up for ever, so at most COUNT_CAP + 1 of them are
    read for a count, and a count that stopped there is a lower bound, named in ``partial`` as
    (dimension, value), or (dimension, None) for all its values, and shown as "n+"."""
    now = now or utcnow()
    result: dict = {"partial": set()}
    for name, column in FACETS:
        conds = flt.conditions(now, skip=name)
        if name == "status" or flt.status != ItemStatus.CLOSED.value:
            exact = [QueueItem.status.in_(NOT_CLOSED)] if name == "status" or flt.status == "all" else []
            result[name] = _group(column, [*conds, *exact])
        else:
            result[name] = {}
        if name == "status" or flt.status in (ItemStatus.CLOSED.value, "all"):
            closed = _group(column, [*conds, QueueItem.status == ItemStatus.CLOSED.value], cap=True)
            for value, n in closed.items():
                result[name][value] = result[name].get(value, 0) + n
            if sum(closed.values()) > COUNT_CAP:
                result["partial"].add((name, ItemStatus.CLOSED.value if name == "status" else None))
    result["overdue"] = overdue_count(flt, now)
    return result


def _group(column: str, conds: list, cap: bool = False) -> dict:
    """Items per value of ``column``; with ``cap``, of at most COUNT_CAP + 1 items."""
    rows = sa.select(getattr(QueueItem, column).label("value")).where(*conds)
    if cap:
        rows = rows.limit(COUNT_CAP + 1)
    sub = rows.subquery()
    found = db.session.execute(sa.select(sub.c.value, sa.func.count()).group_by(sub.c.value))
    return {value: n for value, n in found}


def overdue_count(flt: QueueFilter, now: dt.datetime | None = None) -> int:
    """Items past their due time and not closed, the other filters applied."""
    now = now or utcnow()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QueueItem)
        .where(
            *flt.conditions(now, skip="overdue"),
            QueueItem.due_at < now,
            QueueItem.status.in_(NOT_CLOSED),
        )
    )
