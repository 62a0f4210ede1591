"""Where incidents cluster away from every patrol point: suggested new points (定点定向).

The method, in words staff can check on a map:
1. Take the verified tips and the imported incidents of the last ``WINDOW_DAYS`` days.
2. Put each into a square of ``CELL_M`` metres. A square holding at least ``CORE_EVENTS`` is busy.
3. Busy squares that touch (sides or corners) form one cluster; a square next to a busy one adds
   its events to that cluster.
4. A cluster of at least ``MIN_EVENTS`` events whose centre is farther than ``AWAY_M`` (or the
   point's own radius) from every active point is a suggestion, with the hours its events cluster in.
The cost follows the events in the window (two indexed range queries) and the active points.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import current_app

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.geo import EARTH_RADIUS_M, Grid, distance_m
from tipboard.patrols.models import HotspotDecision, Incident, PatrolPoint, ShiftTemplate, team_grid
from tipboard.patrols.points import create_point
from tipboard.patrols.priority import BANDS, band_of
from tipboard.timezones import to_local
from tipboard.tips.models import PUBLIC_STATUSES, Tip

WINDOW_DAYS = 90
CELL_M = 150
CORE_EVENTS = 2
MIN_EVENTS = 5
AWAY_M = 300
#: A band becomes proposed hours when it holds at least this share of the cluster's events.
BAND_SHARE = 0.25
WINDOW_HOURS = 3


class HotspotError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclasses.dataclass(frozen=True)
class Event:
    lat: float
    lon: float
    at: dt.datetime  # UTC
    source: str  # "tip" or "incident"


@dataclasses.dataclass
class Hotspot:
    key: str
    cells: list[str]
    lat: float
    lon: float
    radius_m: int
    count: int
    tips: int
    incidents: int
    latest_at: dt.datetime
    bands: dict[str, int]
    hours: list[tuple[int, int]]  # proposed (start hour, end hour) in station time
    grid_id: int | None = None

    @property
    def top_band(self) -> str:
        return max(BANDS, key=lambda b: self.bands[b])


def recent_events(now: dt.datetime | None = None, days: int = WINDOW_DAYS) -> list[Event]:
    """Verified (published) tips with a position and imported incidents in the window."""
    since = (now or utcnow()) - dt.timedelta(days=days)
    tips = db.session.execute(
        sa.select(Tip.lat, Tip.lon, Tip.seen_at, Tip.created_at).where(
            Tip.status.in_([s.value for s in PUBLIC_STATUSES]),
            Tip.created_at >= since,
            Tip.lat.is_not(None),
            Tip.lon.is_not(None),
        )
    ).all()
    incidents = db.session.execute(
        sa.select(Incident.lat, Incident.lon, Incident.occurred_at).where(Incident.occurred_at >= since)
    ).all()
    return [Event(lat, lon, seen or created, "tip") for lat, lon, seen, created in tips] + [
        Event(lat, lon, at, "incident") for lat, lon, at in incidents
    ]


def _cell(lat: float, lon: float, ref_lat: float) -> tuple[int, int]:
    """The CELL_M square holding a position: metres east and north of (0, 0), at ``ref_lat``'s scale."""
    north = math.radians(lat) * EARTH_RADIUS_M
    east = math.radians(lon) * EARTH_RADIUS_M * math.cos(math.radians(ref_lat))
    return math.floor(east / CELL_M), math.floor(north / CELL_M)


def clusters(events: list[Event], ref_lat: float) -> list[list[Event]]:
    """Events grouped as the module docstring says (busy squares joined with their neighbours)."""
    by_cell: dict[tuple[int, int], list[Event]] = defaultdict(list)
    for event in events:
        by_cell[_cell(event.lat, event.lon, ref_lat)].append(event)
    busy = {cell for cell, evs in by_cell.items() if len(evs) >= CORE_EVENTS}
    label: dict[tuple[int, int], int] = {}
    groups: list[set[tuple[int, int]]] = []
    for start in sorted(busy):
        if start in label:
            continue
        label[start] = len(groups)
        group, stack = {start}, [start]
        while stack:
            x, y = stack.pop()
            for nx in (x - 1, x, x + 1):
                for ny in (y - 1, y, y + 1):
                    if (nx, ny) in busy and (nx, ny) not in label:
                        label[(nx, ny)] = len(groups)
                        group.add((nx, ny))
                        stack.append((nx, ny))
        groups.append(group)
    for cell in sorted(set(by_cell) - busy):  # a quiet square joins the first busy neighbour's cluster
        x, y = cell
        near = sorted(
            label[(nx, ny)] for nx in (x - 1, x, x + 1) for ny in (y - 1, y, y + 1) if (nx, ny) in label
        )
        if near:
            groups[near[0]].add(cell)
    return [[e for cell in sorted(group) for e in by_cell[cell]] for group in groups]


def cluster_cells(events: list[Event], ref_lat: float) -> list[str]:
    return sorted({"{}:{}".format(*_cell(e.lat, e.lon, ref_lat)) for e in events})


def proposed_hours(events: list[Event]) -> list[tuple[int, int]]:
    """For each band holding at least BAND_SHARE of the events, the WINDOW_HOURS inside it that hold
    the most events (station time), earliest first."""
    hours = Counter(to_local(e.at).hour for e in events)
    by_band = Counter(band_of(h) for h in hours.elements())
    result = []
    for band, (start, end) in BANDS.items():
        if by_band[band] < max(2, BAND_SHARE * len(events)):
            continue
        best = max(
            range(start, end - WINDOW_HOURS + 1),
            key=lambda h: (sum(hours[h + i] for i in range(WINDOW_HOURS)), -h),
        )
        result.append((best, best + WINDOW_HOURS))
    return result


def _summarise(group: list[Event], ref_lat: float) -> Hotspot:
    lat = sum(e.lat for e in group) / len(group)
    lon = sum(e.lon for e in group) / len(group)
    cells = cluster_cells(group, ref_lat)
    spread = max(distance_m(lat, lon, e.lat, e.lon) for e in group)
    return Hotspot(
        key=hashlib.sha256(",".join(cells).encode()).hexdigest()[:16],
        cells=cells,
        lat=round(lat, 6),
        lon=round(lon, 6),
        radius_m=int(min(max(round(spread / 10) * 10, 100), 500)),
        count=len(group),
        tips=sum(1 for e in group if e.source == "tip"),
        incidents=sum(1 for e in group if e.source == "incident"),
        latest_at=max(e.at for e in group),
        bands={band: sum(1 for e in group if band_of(to_local(e.at).hour) == band) for band in BANDS},
        hours=proposed_hours(group),
    )


def _away_from_points(spot: Hotspot, points) -> bool:
    return all(distance_m(spot.lat, spot.lon, p.lat, p.lon) > max(AWAY_M, p.radius_m) for p in points)


def _dismissed(spot: Hotspot, dismissals) -> bool:
    """A dismissal sharing a square with the cluster hides it until a newer event arrives."""
    cells = set(spot.cells)
    return any(cells & set(d.cells) and spot.latest_at <= d.latest_at for d in dismissals)


def _nearest_grid(spot: Hotspot, grids) -> int | None:
    return (
        min(grids, key=lambda g: distance_m(spot.lat, spot.lon, g.center_lat, g.center_lon)).id
        if grids
        else None
    )


def suggestions(now: dt.datetime | None = None, grid_ids: list[int] | None = None) -> list[Hotspot]:
    """The clusters away from every active point and not dismissed, busiest first; only those in
    ``grid_ids`` when given (a leader's teams' area)."""
    ref_lat = current_app.config["STATION_CENTER"][0]
    events = recent_events(now)
    points = db.session.scalars(sa.select(PatrolPoint).where(PatrolPoint.active.is_(True))).all()
    since = (now or utcnow()) - dt.timedelta(days=WINDOW_DAYS)
    dismissals = db.session.scalars(  # decided after its events, so created_at (indexed) bounds it
        sa.select(HotspotDecision).where(
            HotspotDecision.created_at >= since,
            HotspotDecision.latest_at >= since,
            HotspotDecision.decision == "dismissed",
        )
    ).all()
    grids = db.session.scalars(sa.select(Grid)).all()
    result = []
    for group in clusters(events, ref_lat):
        if len(group) < MIN_EVENTS:
            continue
        spot = _summarise(group, ref_lat)
        if not _away_from_points(spot, points) or _dismissed(spot, dismissals):
            continue
        spot.grid_id = _nearest_grid(spot, grids)
        if grid_ids is None or spot.grid_id in grid_ids:
            result.append(spot)
    return sorted(result, key=lambda s: (-s.count, s.key))


def find(key: str, now: dt.datetime | None = None) -> Hotspot:
    spot = next((s for s in suggestions(now) if s.key == key), None)
    if spot is None:
        raise HotspotError("gone")
    return spot


def team_area_grid_ids(team_ids: list[int]) -> list[int]:
    return list(db.session.scalars(sa.select(team_grid.c.grid_id).where(team_grid.c.team_id.in_(team_ids))))


def _record(spot: Hotspot, decision: str, actor_id: int | None, reason: str = "") -> HotspotDecision:
    """The decision row, unique per cluster state: a second decision on the same state is refused."""
    row = HotspotDecision(
        cluster_key=spot.key,
        latest_at=spot.latest_at,
        cells=spot.cells,
        decision=decision,
        reason=reason.strip(),
        decided_by_id=actor_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise HotspotError("already_decided") from None
    return row


def dismiss(spot: Hotspot, actor_id: int | None, reason: str) -> HotspotDecision:
    return _record(spot, "dismissed", actor_id, reason)


def accept(
    spot: Hotspot,
    actor_id: int | None,
    *,
    name_en: str,
    name_zh: str,
    lat: float,
    lon: float,
    radius_m: int,
    grid_id: int,
    team_id: int | None,
    hours: list[tuple[dt.time, dt.time]],
    weekdays: list[int],
) -> PatrolPoint:
    """A new point at the cluster (as staff edited it) and a shift template per proposed window."""
    row = _record(spot, "accepted", actor_id)
    point = create_point(
        name_en=name_en,
        name_zh=name_zh,
        lat=lat,
        lon=lon,
        radius_m=radius_m,
        grid_id=grid_id,
        team_id=team_id,
        base_weight=1.0,
        actor_id=actor_id,
        note="hotspot",
    )
    row.point_id = point.id
    for start, end in hours:
        db.session.add(
            ShiftTemplate(
                point_id=point.id,
                title="",  # its shifts are named by the point, in the reader's language
                weekdays=sorted(set(weekdays)),
                start_time=start,
                end_time=end,
            )
        )
    db.session.flush()
    return point
