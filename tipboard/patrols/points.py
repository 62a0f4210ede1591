"""Patrol points: the places (or routes) volunteers patrol."""

from __future__ import annotations

from tipboard.extensions import db
from tipboard.patrols.models import PatrolPoint


def create_point(
    *,
    name: str,
    lat: float,
    lon: float,
    radius_m: int,
    grid_id: int,
    team_id: int | None,
    base_weight: float,
    route: list[list[float]] | None = None,
) -> PatrolPoint:
    """A new active point; ``route`` is an ordered list of [lat, lon] (empty for a single place)."""
    point = PatrolPoint(
        name=name.strip(),
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
    return point
