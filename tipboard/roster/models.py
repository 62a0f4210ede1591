from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import utcnow
from tipboard.extensions import db


class RosterRun(db.Model):
    """One build of one week's roster, with the solver's figures. Every run is kept."""

    __tablename__ = "roster_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[dt.date] = mapped_column(index=True)  # the Monday (station time)
    state: Mapped[str] = mapped_column(sa.String(12), default="draft")  # draft, published, superseded
    solver_status: Mapped[str] = mapped_column(sa.String(20))
    objective: Mapped[float | None]
    dual_bound: Mapped[float | None]
    gap: Mapped[float | None]
    lp_bound: Mapped[float | None]
    solve_seconds: Mapped[float]
    coverage_pct: Mapped[float]
    staffed: Mapped[int]
    wanted: Mapped[int]
    load_min: Mapped[int]
    load_max: Mapped[int]
    jain: Mapped[float]
    idle_available: Mapped[int]
    built_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]

    assignments: Mapped[list[RosterAssignment]] = relationship(
        back_populates="run", cascade="all, delete-orphan"
    )
    gaps: Mapped[list[RosterGap]] = relationship(cascade="all, delete-orphan")
    built_by = relationship("User")


class RosterAssignment(db.Model):
    __tablename__ = "roster_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_run.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shift.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    edited: Mapped[bool] = mapped_column(default=False)  # placed by a leader by hand

    run: Mapped[RosterRun] = relationship(back_populates="assignments")
    shift = relationship("Shift", lazy="joined")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("run_id", "shift_id", "user_id"),)


class RosterGap(db.Model):
    __tablename__ = "roster_gap"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_run.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shift.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(20))
    # A leader keeps the gap open on purpose: off the "to fill" list and the gap notices, undoable.
    kept_open: Mapped[bool] = mapped_column(default=False)
    kept_reason: Mapped[str | None] = mapped_column(sa.String(200))
    kept_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kept_at: Mapped[dt.datetime | None]

    shift = relationship("Shift", lazy="joined")
    kept_by = relationship("User")
