"""Officers, members and items of grids. Flush only; the views commit."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.auth.models import User, UserRole
from tipboard.auth.services import find_by_login, grant_role
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.geo import Grid, GridMember, grids_of
from tipboard.moderation.escalation import register_stage
from tipboard.permissions import STAFF, Role
from tipboard.tips.models import OPEN_STATUSES, Tip

MEMBER_ROLES = (Role.GRIDWORKER, Role.BUILDING_LEAD)


class GridError(Refusal):
    """A refusal of the grid services (messages: grids.views.ERRORS)."""


def _staff(user_id: int | None) -> int | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.has_role(*STAFF):
        raise GridError("not_staff")
    return user.id


def set_officers(grid: Grid, officer_id: int | None, deputy_id: int | None) -> None:
    """The officer who answers for ``grid`` and their deputy (both station staff, not the same)."""
    if officer_id is not None and officer_id == deputy_id:
        raise GridError("same_person")
    grid.officer_id, grid.deputy_id = _staff(officer_id), _staff(deputy_id)
    db.session.flush()


def add_grid_member(grid: Grid, login: str, role: str, note: str | None) -> GridMember:
    """Make the account named by ``login`` a grid worker or building lead of ``grid`` (and give the
    account that role)."""
    if role not in {r.value for r in MEMBER_ROLES}:
        raise GridError("bad_role")
    user = find_by_login(login)
    if user is None or not user.active:
        raise GridError("no_account")
    if db.session.scalar(
        sa.select(GridMember.id).where(GridMember.grid_id == grid.id, GridMember.user_id == user.id)
    ):
        raise GridError("already_member")
    grant_role(user, Role(role))
    member = GridMember(grid_id=grid.id, user_id=user.id, role=role, note=(note or "").strip() or None)
    db.session.add(member)
    db.session.flush()
    return member


def remove_grid_member(grid: Grid, member_id: int) -> None:
    member = db.session.get(GridMember, member_id)
    if member is None or member.grid_id != grid.id:
        raise GridError("no_member")
    db.session.delete(member)
    db.session.flush()


def members_of(grid: Grid) -> list[GridMember]:
    return list(
        db.session.scalars(sa.select(GridMember).where(GridMember.grid_id == grid.id).order_by(GridMember.id))
    )


def grid_items(user, limit: int = 100) -> list[Tip]:
    """The open tips of the grids ``user`` is a member of, newest first."""
    grid_ids = grids_of(user)
    if not grid_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Tip)
            .where(Tip.grid_id.in_(grid_ids), Tip.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(Tip.created_at.desc(), Tip.id.desc())
            .limit(limit)
        )
    )


def all_grids() -> list[Grid]:
    return list(db.session.scalars(sa.select(Grid).order_by(Grid.code)))


def supervisors() -> list[tuple[int, str]]:
    """(id, name) of every active supervisor: who can be duty leader."""
    return [
        (id_, name)
        for id_, name in db.session.execute(
            sa.select(User.id, User.name)
            .join(UserRole)
            .where(UserRole.role == Role.SUPERVISOR.value, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    ]


def _tip_stage(tip_id: int) -> str:
    """A tip's due time is its first response until someone responds, then its resolution."""
    tip = db.session.get(Tip, tip_id)
    if tip is None:
        return "due"
    return "response" if tip.first_response_at is None and tip.category.response_hours else "resolution"


register_stage("tip", _tip_stage)
