"""Administration of reference data and accounts. Flush only; the views commit."""

from __future__ import annotations

import dataclasses
import logging

import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError

from tipboard.auth.models import User, UserRole
from tipboard.database import is_unique_violation
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.geo import Grid, forget_grids
from tipboard.permissions import Role
from tipboard.tips.models import Category
from tipboard.tips.services import forget_categories

log = logging.getLogger("tipboard.admin")

CATEGORY_FIELDS = (
    "slug",
    "name_zh",
    "name_en",
    "hint_zh",
    "hint_en",
    "is_hazard",
    "active",
    "sort_order",
    "response_hours",
    "resolution_hours",
)
GRID_FIELDS = ("code", "name_zh", "name_en", "center_lat", "center_lon", "radius_m")


class AdminError(Refusal):
    """A refusal of the admin services (messages: admin.views.ERRORS)."""


@dataclasses.dataclass(frozen=True)
class Reference:
    """Reference data the admin pages edit: its fields, the short name that must be unique, the
    refusal when another row already has it, the refusal when the database refuses the row for
    any other reason, and the values that stand in for fields left empty."""

    model: type
    fields: tuple[str, ...]
    key: str
    taken: str
    refused: str
    when_empty: dict = dataclasses.field(default_factory=dict)


CATEGORY = Reference(
    Category,
    CATEGORY_FIELDS,
    key="slug",
    taken="slug_taken",
    refused="category_refused",
    when_empty={"hint_zh": "", "hint_en": "", "sort_order": 0},
)
GRID = Reference(Grid, GRID_FIELDS, key="code", taken="code_taken", refused="grid_refused")


def save_reference(ref: Reference, obj, data: dict):
    """Create (``obj`` None) or update one row from the form's data. Another row with the same short
    name is refused (AdminError ``ref.taken``), also when it was saved a moment ago by someone else
    (the unique constraint on the key decides). Any other constraint the database holds the row to
    (the tables have NOT NULL columns besides the key's unique constraint, and lengths PostgreSQL
    enforces; the form checks them first) is refused as ``ref.refused``, never a 500; nothing is
    saved either way."""
    key = (data.get(ref.key) or "").strip()
    clash = db.session.scalar(sa.select(ref.model.id).where(getattr(ref.model, ref.key) == key))
    if clash is not None and (obj is None or clash != obj.id):
        raise AdminError(ref.taken)
    obj = obj if obj is not None else ref.model()
    try:
        # The changes are made inside the savepoint: beginning one flushes what is pending, and a
        # refused UPDATE flushed there would fail the whole transaction, not just the savepoint.
        with db.session.begin_nested():
            for name in ref.fields:
                value = data.get(name)
                setattr(obj, name, value.strip() if isinstance(value, str) else value)
            for name, default in ref.when_empty.items():
                if not getattr(obj, name):
                    setattr(obj, name, default)
            db.session.add(obj)
            db.session.flush()
    except (IntegrityError, DataError) as exc:  # DataError: a value the column cannot hold (PostgreSQL)
        table = ref.model.__tablename__
        if isinstance(exc, IntegrityError) and is_unique_violation(exc, table, ref.key):
            raise AdminError(ref.taken) from exc  # saved by another admin since the check
        log.warning("admin.save_refused table=%s error=%s", table, str(exc.orig).splitlines()[0])
        raise AdminError(ref.refused) from exc
    return obj


def save_category(category: Category | None, data: dict) -> Category:
    """:func:`save_reference` for a category; the memoised active categories are cleared, and the
    queue list reads a new name from the category itself."""
    category = save_reference(CATEGORY, category, data)
    forget_categories()
    return category


def save_grid(grid: Grid | None, data: dict) -> Grid:
    grid = save_reference(GRID, grid, data)
    forget_grids()
    return grid


def set_roles(user: User, roles: list[str], active: bool, actor: User) -> None:
    wanted = {r for r in roles if r in {x.value for x in Role}}
    if user.id == actor.id and Role.ADMIN.value not in wanted:
        raise AdminError("keep_own_admin")
    if user.id == actor.id and not active:
        raise AdminError("keep_own_admin")
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.role_names)
    ]
    user.active = active
    db.session.flush()
    log.info("admin.roles user=%s roles=%s active=%s by=%s", user.id, sorted(wanted), active, actor.id)


def find_users(query: str, limit: int = 50) -> list[User]:
    stmt = sa.select(User).order_by(User.id.desc()).limit(limit)
    query = query.strip()
    if query:  # the text as typed: % and _ are letters here, not wildcards
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                *(
                    column.ilike(like, escape="\\")
                    for column in (User.name, User.email, User.phone, User.username)
                )
            )
        )
    return list(db.session.scalars(stmt))
