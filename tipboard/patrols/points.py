"""Patrol points: the places (or routes) volunteers patrol, edited and retired with their history."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.patrols.models import PatrolPoint, PointChange, Shift, ShiftTemplate

#: The fields staff edit, in the order the history shows them.
EDITABLE = (
    "name_en",
    "name_zh",
    "lat",
    "lon",
    "radius_m",
    "grid_id",
    "team_id",
    "base_weight",
    "route_points",
)


class PointError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _log(point: PatrolPoint, actor_id: int | None, action: str, changes: dict, note: str = "") -> PointChange:
    change = PointChange(point_id=point.id, actor_id=actor_id, action=action, changes=changes, note=note)
    db.session.add(change)
    return change


def create_point(
    *,
    name_en: str,
    name_zh: str = "",
    lat: float,
    lon: float,
    radius_m: int,
    grid_id: int,
    team_id: int | None,
    base_weight: float,
    route: list[list[float]] | None = None,
    actor_id: int | None = None,
    note: str = "",
) -> PatrolPoint:
    """A new active point; ``route`` is an ordered list of [lat, lon] (empty for a single place)."""
    point = PatrolPoint(
        name_en=name_en.strip(),
        name_zh=name_zh.strip(),
        lat=lat,
        lon=lon,
        radius_m=radius_m,
        grid_id=grid_id,
        team_id=team_id,
        base_weight=base_weight,
        route_points=[list(p) for p in route or []],
    )
    db.session.add(point)
    db.session.flush()
    _log(point, actor_id, "created", {}, note)
    db.session.flush()
    return point


def update_point(point: PatrolPoint, actor_id: int | None, **values) -> dict:
    """Change the given fields; the history records what changed (before, after). Returns it."""
    for name in ("name_en", "name_zh"):
        if name in values:
            values[name] = values[name].strip()
    if "route_points" in values:
        values["route_points"] = [list(p) for p in values["route_points"] or []]
    changes = {}
    for field in EDITABLE:
        if field in values and getattr(point, field) != values[field]:
            changes[field] = [getattr(point, field), values[field]]
            setattr(point, field, values[field])
    if changes:
        _log(point, actor_id, "edited", changes)
    db.session.flush()
    return changes


def retire_point(point: PatrolPoint, actor_id: int | None, reason: str) -> None:
    """Take a point out of service: no new shifts (its templates stop), gone from volunteers' lists.
    Its past shifts, check-ins and reports keep pointing to it. One conditional UPDATE decides."""
    retired = db.session.execute(
        sa.update(PatrolPoint)
        .where(PatrolPoint.id == point.id, PatrolPoint.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if retired != 1:
        raise PointError("already_retired")
    db.session.execute(
        sa.update(ShiftTemplate)
        .where(ShiftTemplate.point_id == point.id, ShiftTemplate.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(point)
    _log(point, actor_id, "retired", {"active": [True, False]}, reason.strip())
    db.session.flush()


def history(point_id: int) -> list[PointChange]:
    return list(
        db.session.scalars(
            sa.select(PointChange)
            .where(PointChange.point_id == point_id)
            .order_by(PointChange.created_at.desc(), PointChange.id.desc())
        )
    )


def upcoming_shifts(point_id: int, now: dt.datetime) -> int:
    """Shifts already made at the point that have not started: retiring leaves them as they are
    (people may be signed up), so staff see how many remain."""
    return db.session.scalar(
        sa.select(sa.func.count(Shift.id)).where(Shift.point_id == point_id, Shift.starts_at > now)
    )
