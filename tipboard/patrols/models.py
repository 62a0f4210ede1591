"""Volunteer teams, patrol points, shifts, sign-ups, check-ins and patrol logs."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db
from tipboard.geo import BilingualName


class MemberRole(enum.StrEnum):
    MEMBER = "member"
    DEPUTY = "deputy"
    LEADER = "leader"


#: The roles that lead a team: its leader and deputies.
LEAD_ROLES = (MemberRole.LEADER.value, MemberRole.DEPUTY.value)


team_grid = sa.Table(
    "team_grid",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("grid_id", sa.ForeignKey("grid.id", ondelete="CASCADE"), primary_key=True),
)


class Team(BilingualName, TimestampMixin, db.Model):
    """``team.name`` is the name in the reader's language (geo.BilingualName)."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The English name keeps the column teams were first named in ("name", unique); 0024 added Chinese.
    name_en: Mapped[str] = mapped_column("name", sa.String(100), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    swaps_need_approval: Mapped[bool] = mapped_column(default=False)

    grids = relationship("Grid", secondary=team_grid, lazy="selectin")
    members: Mapped[list[TeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")

    def membership(self, user) -> TeamMember | None:
        return next((m for m in self.members if m.user_id == getattr(user, "id", None)), None)

    def is_leader(self, user) -> bool:
        member = self.membership(user)
        return member is not None and member.role in LEAD_ROLES


class TeamMember(db.Model):
    __tablename__ = "team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(10), default=MemberRole.MEMBER.value)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)


class TeamApplication(TimestampMixin, db.Model):
    __tablename__ = "team_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")

    team: Mapped[Team] = relationship()
    user = relationship("User")


class TeamInvite(TimestampMixin, db.Model):
    """A leader's offer to join a team. Nothing changes for the person until they accept it; one
    row per team and person (asked again after a decline, the row is pending again)."""

    __tablename__ = "team_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")  # pending, accepted, declined

    team: Mapped[Team] = relationship()

    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class VolunteerProfile(TimestampMixin, db.Model):
    __tablename__ = "volunteer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    max_shifts_per_week: Mapped[int] = mapped_column(default=2)
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)  # "first_aid", "driver", "language:..."
    emergency_name: Mapped[str | None] = mapped_column(sa.String(100))
    emergency_phone: Mapped[str | None] = mapped_column(sa.String(40))
    calendar_token: Mapped[str] = mapped_column(sa.String(43), unique=True, default=_new_token)
    # What the roster honours: a cap on hours a week (None: the station's ROSTER_MAX_HOURS_PER_WEEK),
    # no late shifts if asked (a hard rule), and patrolling near home or work (a wish, by grid).
    max_hours_per_week: Mapped[int | None]
    avoid_late: Mapped[bool] = mapped_column(default=False)
    home_grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id", ondelete="SET NULL"))

    user = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("max_shifts_per_week BETWEEN 0 AND 14", name="max_shifts_range"),
        sa.CheckConstraint("max_hours_per_week BETWEEN 0 AND 80", name="max_hours_range"),
    )


class Availability(db.Model):
    """A weekly slot a volunteer is usually free (station time)."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("start_time < end_time", name="ordered"),
    )


class AvailabilityException(db.Model):
    """A dated exception: away on a day they are usually free (or free on a day they are not)."""

    __tablename__ = "availability_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date]
    available: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)


class PatrolPoint(BilingualName, TimestampMixin, db.Model):
    """A named place with a radius, or (with route_points) an ordered route. ``point.name`` is the
    name in the reader's language (geo.BilingualName)."""

    __tablename__ = "patrol_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The English name keeps the column points were first named in ("name"); 0026 added Chinese.
    name_en: Mapped[str] = mapped_column("name", sa.String(100))
    name_zh: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    lat: Mapped[float]
    lon: Mapped[float]
    radius_m: Mapped[int] = mapped_column(default=150)
    route_points: Mapped[list] = mapped_column(sa.JSON, default=list)  # [[lat, lon], ...] in order
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grid.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"), index=True)
    base_weight: Mapped[float] = mapped_column(default=1.0)
    active: Mapped[bool] = mapped_column(default=True)

    grid = relationship("Grid", lazy="joined")
    team = relationship("Team")

    @property
    def is_route(self) -> bool:
        return bool(self.route_points)


class ShiftType(enum.StrEnum):
    PATROL = "patrol"
    OUTREACH = "outreach"  # e.g. anti-fraud stand at the market
    TALK = "talk"  # e.g. school safety talk


class ShiftTemplate(db.Model):
    __tablename__ = "shift_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_point.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100), default="")
    shift_type: Mapped[str] = mapped_column(sa.String(10), default=ShiftType.PATROL.value)
    weekdays: Mapped[list] = mapped_column(sa.JSON, default=list)  # [0..6]
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]
    min_volunteers: Mapped[int] = mapped_column(default=2)
    max_volunteers: Mapped[int] = mapped_column(default=4)
    requires_leader: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)

    point: Mapped[PatrolPoint] = relationship()

    __table_args__ = (
        sa.CheckConstraint("0 < min_volunteers AND min_volunteers <= max_volunteers", name="sizes"),
    )


class Shift(TimestampMixin, db.Model):
    __tablename__ = "shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_point.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shift_template.id"))
    shift_type: Mapped[str] = mapped_column(sa.String(10), default=ShiftType.PATROL.value)
    title: Mapped[str] = mapped_column(sa.String(100), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    min_volunteers: Mapped[int] = mapped_column(default=2)
    max_volunteers: Mapped[int] = mapped_column(default=4)
    requires_leader: Mapped[bool] = mapped_column(default=True)
    confirmed_count: Mapped[int] = mapped_column(default=0)  # kept by conditional UPDATEs
    closed_at: Mapped[dt.datetime | None]  # the leader closed it with a report
    attendance_closed_at: Mapped[dt.datetime | None]  # check-outs closed, no-shows marked
    report: Mapped[str | None] = mapped_column(sa.Text)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    point: Mapped[PatrolPoint] = relationship(lazy="joined")
    signups: Mapped[list[SignUp]] = relationship(back_populates="shift", order_by="SignUp.id")

    __table_args__ = (
        sa.UniqueConstraint("template_id", "starts_at"),
        sa.CheckConstraint("confirmed_count >= 0 AND confirmed_count <= max_volunteers", name="capacity"),
        sa.CheckConstraint("starts_at < ends_at", name="ordered"),
    )

    @property
    def places_left(self) -> int:
        return self.max_volunteers - self.confirmed_count

    @property
    def still_needed(self) -> int:
        return max(self.min_volunteers - self.confirmed_count, 0)


class SignUpStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DROPPED = "dropped"
    NO_SHOW = "no_show"


class SignUp(TimestampMixin, db.Model):
    __tablename__ = "signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10))
    source: Mapped[str] = mapped_column(sa.String(10), default="self")  # self, leader, roster, swap
    checked_in_at: Mapped[dt.datetime | None]
    checked_out_at: Mapped[dt.datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    auto_checked_out: Mapped[bool] = mapped_column(default=False)

    shift: Mapped[Shift] = relationship(back_populates="signups")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (sa.UniqueConstraint("shift_id", "user_id"),)

    @property
    def hours(self) -> float:
        if self.checked_in_at is None or self.checked_out_at is None:
            return 0.0
        return round(max((self.checked_out_at - self.checked_in_at).total_seconds(), 0) / 3600, 2)


class Observation(db.Model):
    """What a volunteer saw during a shift (the patrol log)."""

    __tablename__ = "observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    tip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tip.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class SwapRequest(TimestampMixin, db.Model):
    __tablename__ = "swap_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(sa.ForeignKey("signup.id", ondelete="CASCADE"), index=True)
    to_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # None: anyone qualified
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(
        sa.String(20), default="open"
    )  # open, pending_approval, done, declined

    signup: Mapped[SignUp] = relationship()
    to_user = relationship("User", foreign_keys=[to_user_id])
    taken_by = relationship("User", foreign_keys=[taken_by_id])


class ReminderSent(db.Model):
    """The reminders' run-once guard: one row per sign-up and reminder kind."""

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(sa.ForeignKey("signup.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # "day", "hour"

    __table_args__ = (sa.UniqueConstraint("signup_id", "kind"),)


# --- patrol points that follow the incidents (定点定向): imported incidents, decisions, history ---------


class Incident(db.Model):
    """An incident record the station imported from a CSV (time, place, type). Unique on its
    natural key, so importing the same file again adds nothing."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime]  # UTC; the natural key's unique index, led by it, serves the window
    lat: Mapped[float]
    lon: Mapped[float]
    kind: Mapped[str] = mapped_column(sa.String(60))
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("occurred_at", "lat", "lon", "kind"),)


class HotspotDecision(db.Model):
    """A suggested point accepted or dismissed. ``cells`` and ``latest_at`` identify the cluster as
    it was: a dismissed cluster is not suggested again until an incident newer than ``latest_at``
    falls in one of its cells. Unique per cluster state, so accepting twice makes one point."""

    __tablename__ = "hotspot_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_key: Mapped[str] = mapped_column(sa.String(40))
    latest_at: Mapped[dt.datetime]
    cells: Mapped[list] = mapped_column(sa.JSON, default=list)  # ["x:y", ...]
    decision: Mapped[str] = mapped_column(sa.String(10))  # accepted, dismissed
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("patrol_point.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    decided_by = relationship("User")

    __table_args__ = (sa.UniqueConstraint("cluster_key", "latest_at"),)


class PointChange(db.Model):
    """One line of a patrol point's history: who changed what, and when."""

    __tablename__ = "point_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("patrol_point.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(10))  # created, edited, retired, restored
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {field: [before, after]}
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    actor = relationship("User")
