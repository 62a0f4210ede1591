"""Venue points (行业场所积分制): regulated venues, the point rules, inspections and their findings,
the daily tally, the weekly actions and the monthly bulletin."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db
from tipboard.geo import BilingualName


class VenueCategory(enum.StrEnum):
    RENTAL_HOUSING = "rental_housing"  # rental housing with many tenants (群租房)
    INTERNET_CAFE = "internet_cafe"
    HOTEL = "hotel"
    LOGISTICS = "logistics"
    MARKET = "market"
    EBIKE_CHARGING = "ebike_charging"
    BAR = "bar"


CATEGORY_LABELS = {
    VenueCategory.RENTAL_HOUSING: _l("Rental housing with many tenants"),
    VenueCategory.INTERNET_CAFE: _l("Internet café"),
    VenueCategory.HOTEL: _l("Hotel"),
    VenueCategory.LOGISTICS: _l("Logistics yard"),
    VenueCategory.MARKET: _l("Market"),
    VenueCategory.EBIKE_CHARGING: _l("E-bike charging site"),
    VenueCategory.BAR: _l("Bar"),
}

# The inspection checklist: every venue, then its category's own points.
COMMON_CHECKS = {
    "fire_exit": _l("Fire exits clear"),
    "extinguishers": _l("Extinguishers in date"),
    "emergency_kit": _l("Emergency kit in place (restraint fork 钢叉, shield 盾牌)"),
}
CATEGORY_CHECKS = {
    VenueCategory.RENTAL_HOUSING: {
        "tenant_register": _l("Tenant register complete"),
        "no_indoor_charging": _l("No e-bikes charged indoors"),
    },
    VenueCategory.INTERNET_CAFE: {
        "id_checks": _l("Customers' identity checked"),
        "no_minors": _l("No minors"),
    },
    VenueCategory.HOTEL: {"guest_register": _l("Guests registered with identity")},
    VenueCategory.LOGISTICS: {"parcel_checks": _l("Parcels checked on receipt")},
    VenueCategory.MARKET: {"aisles_clear": _l("Aisles clear")},
    VenueCategory.EBIKE_CHARGING: {"timer_sockets": _l("Sockets with timers and cut-off")},
    VenueCategory.BAR: {"no_minors": _l("No minors"), "closing_time": _l("Closing time kept")},
}


def checklist_for(category: str) -> dict:
    return {**COMMON_CHECKS, **CATEGORY_CHECKS.get(category, {})}


class Venue(TimestampMixin, db.Model):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(200))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    base_score: Mapped[int] = mapped_column(default=100)  # where each year starts
    active: Mapped[bool] = mapped_column(default=True)

    grid = relationship("Grid")
    manager = relationship("User")

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))


class PointRule(BilingualName, TimestampMixin, db.Model):
    """A rule of the catalogue: points added (positive) or deducted (negative), and the days given to
    rectify a deduction."""

    __tablename__ = "point_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    points: Mapped[int]
    rectify_days: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)


class Inspection(db.Model):
    __tablename__ = "venue_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    checks: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # check -> passed
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    inspector = relationship("User")


class FindingStatus(enum.StrEnum):
    OPEN = "open"  # to be rectified by the deadline
    PROOF = "proof"  # the manager sent proof of rectification
    RECTIFIED = "rectified"  # the station accepted it
    NONE_NEEDED = "none"  # a bonus, or nothing to rectify


class Finding(db.Model):
    """One application of a rule to a venue: its points count towards the year's score."""

    __tablename__ = "venue_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("point_rule.id"))
    inspection_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("venue_inspection.id", ondelete="SET NULL")
    )
    tip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tip.id", ondelete="SET NULL"), unique=True)
    points: Mapped[int]  # copied from the rule when found
    note: Mapped[str | None] = mapped_column(sa.Text)
    deadline: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(10), default=FindingStatus.OPEN.value)
    proof_note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    venue: Mapped[Venue] = relationship()
    rule: Mapped[PointRule] = relationship(lazy="joined")
    photos: Mapped[list[FindingPhoto]] = relationship(
        order_by="FindingPhoto.id", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.Index("ix_venue_finding_venue_created", "venue_id", "created_at"),)


class FindingPhoto(db.Model):
    __tablename__ = "venue_finding_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("venue_finding.id", ondelete="CASCADE"), index=True)
    proof: Mapped[bool] = mapped_column(default=False)  # the manager's proof of rectification
    file_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class VenueTally(db.Model):
    """The daily tally (日统计): each venue's score at the end of a station day."""

    __tablename__ = "venue_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(index=True)
    score: Mapped[int]

    __table_args__ = (sa.UniqueConstraint("venue_id", "day"),)


class ActionKind(enum.StrEnum):
    TALK = "talk"  # 约谈
    LAW_STUDY = "law_study"  # 法制学习
    SUSPENSION = "suspension"  # 停业整顿 (a proposal)


ACTION_LABELS = {
    ActionKind.TALK: _l("Talk with the manager (约谈)"),
    ActionKind.LAW_STUDY: _l("Law study (法制学习)"),
    ActionKind.SUSPENSION: _l("Suspension for rectification proposed (停业整顿)"),
}


class VenueAction(db.Model):
    """An action of the weekly list (周执行), proposed from the thresholds and recorded when taken."""

    __tablename__ = "venue_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    week: Mapped[dt.date]  # the Monday of the week
    kind: Mapped[str] = mapped_column(sa.String(12))
    score: Mapped[int]  # the score that triggered it
    taken_at: Mapped[dt.datetime | None]
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    venue: Mapped[Venue] = relationship(lazy="joined")
    taken_by = relationship("User")

    __table_args__ = (sa.UniqueConstraint("venue_id", "week", "kind"),)

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.kind, self.kind))


class VenueBulletin(db.Model):
    """The monthly bulletin (月通报): venues by score, their change over the month, actions taken."""

    __tablename__ = "venue_bulletin"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)  # "2026-11"
    rows: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
