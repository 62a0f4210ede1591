"""Grids (the neighbourhood cells the station is divided into) and small geometry helpers."""

from __future__ import annotations

import dataclasses
import math

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from tipboard.auth.models import User
from tipboard.caching import REFERENCE_SECONDS
from tipboard.extensions import cache, db

EARTH_RADIUS_M = 6_371_000.0


class BilingualName:
    """A name an admin enters in both languages (``name_zh``, ``name_en``), read in the reader's;
    where one was left empty (a team named before names had two languages) the other stands in."""

    @property
    def name(self) -> str:
        return localized(self.name_zh or self.name_en, self.name_en or self.name_zh)

    @property
    def names(self) -> dict[str, str]:
        """Both, for a message stored now and read later in its reader's language (outbox.py)."""
        return {"zh": self.name_zh or self.name_en, "en": self.name_en or self.name_zh}

    def __str__(self) -> str:
        return self.name


class Grid(BilingualName, db.Model):
    __tablename__ = "grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(100))
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    center_lat: Mapped[float]
    center_lon: Mapped[float]
    radius_m: Mapped[int] = mapped_column(default=500)
    # Accountability (分片包村): the officer who answers for the grid, and a deputy when they are away.
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    officer = relationship("User", foreign_keys=[officer_id])
    deputy = relationship("User", foreign_keys=[deputy_id])


class GridMember(db.Model):
    """A grid worker (网格员) or building lead (楼门长) of a grid: they file and see its items."""

    __tablename__ = "grid_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grid.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))  # Role.GRIDWORKER or Role.BUILDING_LEAD
    note: Mapped[str | None] = mapped_column(sa.String(100))  # e.g. the building a lead answers for

    grid: Mapped[Grid] = relationship()
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("grid_id", "user_id"),)


def responsible_officer(grid_id: int | None) -> int | None:
    """The id of the account that answers for the grid now: its officer, or its deputy when the
    officer is not set or disabled; None for no grid or neither. New tips (and cases) in the grid
    are assigned to this account."""
    if grid_id is None:
        return None
    officer = aliased(User)
    deputy = aliased(User)
    row = db.session.execute(
        sa.select(Grid.officer_id, officer.active, Grid.deputy_id, deputy.active)
        .outerjoin(officer, officer.id == Grid.officer_id)
        .outerjoin(deputy, deputy.id == Grid.deputy_id)
        .where(Grid.id == grid_id)
    ).first()
    if row is None:
        return None
    officer_id, officer_active, deputy_id, deputy_active = row
    if officer_id is not None and officer_active:
        return officer_id
    return deputy_id if deputy_id is not None and deputy_active else None


def grids_of(user) -> list[int]:
    """The ids of the grids ``user`` is a grid worker or building lead of."""
    return list(db.session.scalars(sa.select(GridMember.grid_id).where(GridMember.user_id == user.id)))


def localized(zh: str, en: str) -> str:
    """Pick the Chinese or English variant of an admin-managed text for the current locale."""
    locale = get_locale()
    return zh if locale is not None and locale.language == "zh" else en


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square around a point: a cheap SQL pre-filter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def in_station_area(lat: float, lon: float) -> bool:
    south, west, north, east = current_app.config["STATION_BOUNDS"]
    return south <= lat <= north and west <= lon <= east


def public_coordinate(value: float | None) -> float | None:
    """Round a coordinate for public display (3 decimals: about 100 m)."""
    if value is None:
        return None
    return round(value, current_app.config["PUBLIC_LOCATION_DECIMALS"])


@dataclasses.dataclass(frozen=True)
class GridPlace(BilingualName):
    id: int
    code: str
    name_en: str
    name_zh: str
    center_lat: float
    center_lon: float
    radius_m: int


@cache.memoize(timeout=REFERENCE_SECONDS)
def grid_places() -> list[GridPlace]:
    """Every grid's place (memoised: every tip asks; :func:`forget_grids` clears it)."""
    rows = db.session.execute(
        sa.select(
            Grid.id, Grid.code, Grid.name_en, Grid.name_zh, Grid.center_lat, Grid.center_lon, Grid.radius_m
        ).order_by(Grid.id)
    )
    return [GridPlace(*row) for row in rows]


def forget_grids() -> None:
    """Drop the memoised grids: called by every service that changes a grid."""
    cache.delete_memoized(grid_places)


def nearest_grid_id(lat: float, lon: float) -> int | None:
    """The grid whose centre is nearest, if the point lies within twice its radius."""
    places = grid_places()
    if not places:
        return None
    best = min(places, key=lambda g: distance_m(lat, lon, g.center_lat, g.center_lon))
    return best.id if distance_m(lat, lon, best.center_lat, best.center_lon) <= best.radius_m * 2 else None


def grid_id_named(text: str) -> int | None:
    """The grid whose code or (English or Chinese) name is exactly ``text``, ignoring outer spaces."""
    text = text.strip()
    if not text:
        return None
    return next((g.id for g in grid_places() if text in (g.code, g.name_en, g.name_zh)), None)
