"""The care register (宜老宜小): people the station looks after, their care plan, visitors and visits.

Restricted: a person's file is visible only to the officer and deputy of their grid, their assigned
visitors and mentor, and supervisors (:func:`tipboard.care.services.can_see`); every view is written
to the audit trail. Fields are kept to what care needs.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db


class CareKind(enum.StrEnum):
    ELDERLY_ALONE = "elderly_alone"
    ELDERLY_ILL = "elderly_ill"
    LEFT_BEHIND_CHILD = "child"
    OTHER = "other"


KIND_LABELS = {
    CareKind.ELDERLY_ALONE: _l("Elderly, living alone"),
    CareKind.ELDERLY_ILL: _l("Elderly, with illness"),
    CareKind.LEFT_BEHIND_CHILD: _l("Left-behind child"),
    CareKind.OTHER: _l("Other"),
}


class VisitorKind(enum.StrEnum):
    OFFICER = "officer"
    VOLUNTEERS = "volunteers"
    CLINIC = "clinic"  # free check-ups (义诊)


VISITOR_LABELS = {
    VisitorKind.OFFICER: _l("The grid's officer"),
    VisitorKind.VOLUNTEERS: _l("A volunteer team"),
    VisitorKind.CLINIC: _l("The clinic (free check-ups)"),
}


class CarePerson(TimestampMixin, db.Model):
    __tablename__ = "care_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(16))
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grid.id"), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    guardian: Mapped[str | None] = mapped_column(sa.String(100))  # a child's guardian and how to reach them
    needs: Mapped[str | None] = mapped_column(sa.String(500))
    consent_by: Mapped[str] = mapped_column(sa.String(100))  # the person, or the guardian, by name
    consent_at: Mapped[dt.datetime]
    # The care plan
    visit_every_days: Mapped[int] = mapped_column(default=30)
    visitor_kind: Mapped[str] = mapped_column(sa.String(12), default=VisitorKind.OFFICER.value)
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # one-to-one mentor (一对一帮扶)
    next_visit_on: Mapped[dt.date] = mapped_column(index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    grid = relationship("Grid", lazy="joined")
    mentor = relationship("User", foreign_keys=[mentor_id])
    visitors: Mapped[list[CareVisitor]] = relationship(back_populates="person", cascade="all, delete-orphan")
    visits: Mapped[list[CareVisit]] = relationship(
        back_populates="person", order_by="CareVisit.visited_at.desc()", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def visitor_label(self) -> str:
        return str(VISITOR_LABELS.get(self.visitor_kind, self.visitor_kind))


class CareVisitor(db.Model):
    """An account assigned to visit a person (an officer, a volunteer, a clinic's doctor)."""

    __tablename__ = "care_visitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("care_person.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)

    person: Mapped[CarePerson] = relationship(back_populates="visitors")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("person_id", "user_id"),)


class CareVisit(db.Model):
    """A home visit (上门走访): what was found, what the person needs, what follows."""

    __tablename__ = "care_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("care_person.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    visited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    found: Mapped[str] = mapped_column(sa.Text)
    needs: Mapped[str | None] = mapped_column(sa.Text)
    follow_up: Mapped[str | None] = mapped_column(sa.Text)

    person: Mapped[CarePerson] = relationship(back_populates="visits")
    visitor = relationship("User")
