"""Where and when to patrol (定点、定向): a point's priority per time-of-day band.

priority(point, band) = base weight set by staff
                        + sum over verified tips within the point's reach in the last WEEKS weeks,
                          seen in that band, of 0.5 ** (age in days / HALF_LIFE_DAYS)
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.geo import bounding_box, distance_m
from tipboard.timezones import to_local
from tipboard.tips.models import PUBLIC_STATUSES, Tip

BANDS = {"night": (0, 6), "morning": (6, 12), "afternoon": (12, 18), "evening": (18, 24)}
WEEKS = 8
HALF_LIFE_DAYS = 14.0
REACH_M = 300


def band_of(local_hour: int) -> str:
    return next(name for name, (start, end) in BANDS.items() if start <= local_hour < end)


def tip_weight(age_days: float) -> float:
    return 0.5 ** (max(age_days, 0.0) / HALF_LIFE_DAYS)


def weights(points, now: dt.datetime | None = None) -> dict[int, dict[str, float]]:
    """{point id: {band: priority}} for many points with one query for the tips."""
    now = now or utcnow()
    points = list(points)
    result = {p.id: {band: float(p.base_weight) for band in BANDS} for p in points}
    if not points:
        return result
    reach = max(REACH_M, max(p.radius_m for p in points))
    south = min(bounding_box(p.lat, p.lon, reach)[0] for p in points)
    west = min(bounding_box(p.lat, p.lon, reach)[1] for p in points)
    north = max(bounding_box(p.lat, p.lon, reach)[2] for p in points)
    east = max(bounding_box(p.lat, p.lon, reach)[3] for p in points)
    tips = db.session.execute(
        sa.select(Tip.lat, Tip.lon, Tip.seen_at, Tip.created_at).where(
            Tip.status.in_([s.value for s in PUBLIC_STATUSES]),
            Tip.created_at >= now - dt.timedelta(weeks=WEEKS),
            Tip.lat.between(south, north),
            Tip.lon.between(west, east),
        )
    ).all()
    for lat, lon, seen_at, created_at in tips:
        when = seen_at or created_at
        band = band_of(to_local(when).hour)
        weight = tip_weight((now - when).total_seconds() / 86400)
        for point in points:
            if distance_m(lat, lon, point.lat, point.lon) <= max(REACH_M, point.radius_m):
                result[point.id][band] += weight
    return {pid: {band: round(w, 3) for band, w in bands.items()} for pid, bands in result.items()}


def weight_for_shift(point_weights: dict[str, float], starts_at: dt.datetime) -> float:
    return point_weights[band_of(to_local(starts_at).hour)]
