"""Administration of reference data and accounts. Flush only; the views commit."""
from __future__ import annotations

import logging

import sqlalchemy as sa

from tipboard.auth.models import User, UserRole
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.permissions import Role
from tipboard.tips.models import Category

log = logging.getLogger("tipboard.admin")

CATEGORY_FIELDS = ("slug", "name_zh", "name_en", "hint_zh", "hint_en", "is_hazard", "active",
                   "sort_order", "response_hours", "resolution_hours")
GRID_FIELDS = ("code", "name_zh", "name_en", "center_lat", "center_lon", "radius_m")


class AdminError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _apply(obj, fields, data: dict) -> None:
    for name in fields:
        value = data.get(name)
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def save_category(category: Category | None, data: dict) -> Category:
    clash = db.session.scalar(sa.select(Category.id).where(Category.slug == data["slug"].strip()))
    if clash is not None and (category is None or clash != category.id):
        raise AdminError("slug_taken")
    category = category or Category()
    _apply(category, CATEGORY_FIELDS, data)
    category.hint_zh, category.hint_en = category.hint_zh or "", category.hint_en or ""
    category.sort_order = category.sort_order or 0
    db.session.add(category)
    db.session.flush()
    return category


def save_grid(grid: Grid | None, data: dict) -> Grid:
    clash = db.session.scalar(sa.select(Grid.id).where(Grid.code == data["code"].strip()))
    if clash is not None and (grid is None or clash != grid.id):
        raise AdminError("code_taken")
    grid = grid or Grid()
    _apply(grid, GRID_FIELDS, data)
    db.session.add(grid)
    db.session.flush()
    return grid


def set_roles(user: User, roles: list[str], active: bool, actor: User) -> None:
    wanted = {r for r in roles if r in {x.value for x in Role}}
    if user.id == actor.id and Role.ADMIN.value not in wanted:
        raise AdminError("keep_own_admin")
    if user.id == actor.id and not active:
        raise AdminError("keep_own_admin")
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - user.role_names)]
    user.active = active
    db.session.flush()
    log.info("admin.roles user=%s roles=%s active=%s by=%s", user.id, sorted(wanted), active, actor.id)


def find_users(query: str, limit: int = 50) -> list[User]:
    stmt = sa.select(User).order_by(User.id.desc()).limit(limit)
    query = query.strip()
    if query:
        like = f"%{query}%"
        stmt = stmt.where(sa.or_(User.name.ilike(like), User.email.ilike(like), User.phone.ilike(like),
                                 User.username.ilike(like)))
    return list(db.session.scalars(stmt))
