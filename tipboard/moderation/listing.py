"""Reading the queue: filters, counts and keyset pagination (no OFFSET scans)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json

import sqlalchemy as sa

from tipboard import caching
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.ids import MAX_ID
from tipboard.moderation.models import ItemStatus, QueueItem
from tipboard.moderation.registry import all_kinds
from tipboard.tips.models import Category

PAGE_SIZE = 25


@dataclasses.dataclass
class QueueFilter:
    kinds: tuple[str, ...] = ()  # the kinds this user may see; () = none
    kind: str | None = None
    status: str = ItemStatus.OPEN.value  # "open", "waiting", "closed" or "all"
    category_id: int | None = None
    grid_id: int | None = None
    assignee_id: int | None = None
    overdue: bool = False
    #: (kind, team ids): of these kinds only the items of those teams (QueueKind.scope); a kind of
    #: ``kinds`` not named here is seen whole. Part of the counts' cache key like every field.
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
            if kind.scope not in asked:
                asked[kind.scope] = kind.teams_visible_to(user)
            teams = asked[kind.scope]
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

    def visible(self, values: dict) -> bool:
        """:meth:`visibility` on one group of :func:`counts` (it has ``team_id`` when there are scopes)."""
        if values["kind"] not in self.kinds:
            return False
        teams = dict(self.scopes).get(values["kind"])
        return teams is None or values["team_id"] in teams

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
            conds += [QueueItem.due_at < now, QueueItem.status != ItemStatus.CLOSED.value]
        return conds

    def matches(self, values: dict, skip: str | None = None) -> bool:
        """The same test as :meth:`conditions`, on one group of :func:`counts` (its column values
        and whether it is overdue)."""
        return (
            self.visible(values)
            and (not self.kind or skip == "kind" or values["kind"] == self.kind)
            and (self.status == "all" or skip == "status" or values["status"] == self.status)
            and (not self.category_id or skip == "category" or values["category_id"] == self.category_id)
            and (not self.grid_id or skip == "grid" or values["grid_id"] == self.grid_id)
            and (not self.assignee_id or skip == "assignee" or values["assignee_id"] == self.assignee_id)
            and (not self.overdue or skip == "overdue" or values["overdue"])
        )


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
    """One page in queue order (priority high first, then oldest), after ``cursor``."""
    now = now or utcnow()
    query = sa.select(QueueItem).where(*flt.conditions(now))
    after = decode_cursor(cursor)
    if after:
        priority, created, item_id = after
        query = query.where(
            sa.or_(
                QueueItem.priority < priority,
                sa.and_(QueueItem.priority == priority, QueueItem.created_at > created),
                sa.and_(
                    QueueItem.priority == priority, QueueItem.created_at == created, QueueItem.id > item_id
                ),
            )
        )
    query = query.order_by(QueueItem.priority.desc(), QueueItem.created_at, QueueItem.id).limit(limit + 1)
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


# What the queue page shows of a filter (the facet counts, the names they count and the rendered
# list, moderation.views.queue) is cached per filter until the next committed change to a queue
# item or a category (whose names the filters show; shared through Redis where configured), and at
# most QUEUE_CACHE_SECONDS, which also bounds how late "overdue" or an expired claim may show, and
# what another process without Redis changed meanwhile.
QUEUE_GENERATION = "queue"
QUEUE_CACHE_SECONDS = 10
caching.watch(QueueItem, QUEUE_GENERATION)
caching.watch(Category, QUEUE_GENERATION)


def filter_key(flt: QueueFilter) -> str:
    """A cache key for everything a filter (visibility included) selects."""
    return repr(dataclasses.astuple(flt))


def cached_counts(flt: QueueFilter) -> dict[str, dict]:
    """:func:`counts`, cached (see QUEUE_CACHE_SECONDS)."""
    return caching.remember(QUEUE_GENERATION, filter_key(flt), lambda: counts(flt), QUEUE_CACHE_SECONDS)


def cached_facet_names(flt: QueueFilter) -> dict[str, dict]:
    """The categories' (English, Chinese) names and the assignees' names the counts of ``flt``
    (and its own category) name, cached like the counts."""

    def load() -> dict[str, dict]:
        found = cached_counts(flt)
        category_ids = [k for k in [*found["category"], flt.category_id] if k]
        assignee_ids = [k for k in found["assignee"] if k]
        categories = (
            db.session.execute(
                sa.select(Category.id, Category.name_en, Category.name_zh).where(
                    Category.id.in_(category_ids)
                )
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

    return caching.remember(QUEUE_GENERATION, "names:" + filter_key(flt), load, QUEUE_CACHE_SECONDS)


def counts(flt: QueueFilter, now: dt.datetime | None = None) -> dict[str, dict]:
    """For each filter dimension, the number of items per value (the other filters applied), and
    the number overdue.

    PostgreSQL answers all of it from one grouped scan of the visible items (a hash aggregate),
    folded here per dimension: the groups (kinds x statuses x categories x grids x assignees
    present) are few next to the items. SQLite would sort that scan, and does better answering each
    dimension from its own covering index. Figures in bench/RESULTS.md; a test holds the two equal."""
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        return counts_in_one_scan(flt, now)
    return counts_per_dimension(flt, now)


def counts_per_dimension(flt: QueueFilter, now: dt.datetime) -> dict[str, dict]:
    result = {}
    for name, column in FACETS:
        col = getattr(QueueItem, column)
        rows = db.session.execute(
            sa.select(col, sa.func.count()).where(*flt.conditions(now, skip=name)).group_by(col)
        )
        result[name] = {value: n for value, n in rows}
    result["overdue"] = overdue_count(flt, now)
    return result


def overdue_count(flt: QueueFilter, now: dt.datetime | None = None) -> int:
    """Items past their due time and not closed, the other filters applied."""
    now = now or utcnow()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QueueItem)
        .where(
            *flt.conditions(now, skip="overdue"),
            QueueItem.due_at < now,
            QueueItem.status != ItemStatus.CLOSED.value,
        )
    )


def counts_in_one_scan(flt: QueueFilter, now: dt.datetime) -> dict[str, dict]:
    overdue = sa.case(
        (sa.and_(QueueItem.due_at < now, QueueItem.status != ItemStatus.CLOSED.value), True), else_=False
    )
    # Grouped by team too only where a scope needs it (a team leader's few items).
    columns = [column for _name, column in FACETS] + (["team_id"] if flt.scopes else [])
    item = (
        sa.select(*(getattr(QueueItem, column) for column in columns), overdue.label("overdue"))
        .where(flt.visibility())
        .subquery()
    )
    grouped = sa.select(*item.c, sa.func.count()).group_by(*item.c)
    result: dict[str, dict] = {name: {} for name, _column in FACETS}
    result["overdue"] = 0
    for row in db.session.execute(grouped):
        *values, is_overdue, n = row
        group = dict(zip(columns, values), overdue=bool(is_overdue))
        for name, column in FACETS:
            if flt.matches(group, skip=name):
                value = group[column]
                result[name][value] = result[name].get(value, 0) + n
        if group["overdue"] and flt.matches(group, skip="overdue"):
            result["overdue"] += n
    return result
