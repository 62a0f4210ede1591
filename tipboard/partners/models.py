"""An organisation the station works with and the accounts that act for it.

Mediation (the "X" of joint mediation), legal help (law firms and their lawyers) and referral of
problems to the body that can fix them all name their partners here.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db


class OrganisationKind(enum.StrEnum):
    LAW_FIRM = "law_firm"
    RESIDENTS_COMMITTEE = "residents_committee"
    PROPERTY_MANAGER = "property_manager"
    STREET_OFFICE = "street_office"
    CITY_MANAGEMENT = "city_management"
    MEDIATION_COMMITTEE = "mediation_committee"
    SCHOOL = "school"
    BUSINESS = "business"
    UTILITY = "utility"
    CLINIC = "clinic"
    OTHER = "other"


KIND_LABELS = {
    OrganisationKind.LAW_FIRM: _l("Law firm"),
    OrganisationKind.RESIDENTS_COMMITTEE: _l("Residents' committee"),
    OrganisationKind.PROPERTY_MANAGER: _l("Property manager"),
    OrganisationKind.STREET_OFFICE: _l("Street office"),
    OrganisationKind.CITY_MANAGEMENT: _l("City management"),
    OrganisationKind.MEDIATION_COMMITTEE: _l("People's mediation committee"),
    OrganisationKind.SCHOOL: _l("School"),
    OrganisationKind.BUSINESS: _l("Business"),
    OrganisationKind.UTILITY: _l("Utility"),
    OrganisationKind.CLINIC: _l("Clinic"),
    OrganisationKind.OTHER: _l("Other"),
}


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    active: Mapped[bool] = mapped_column(default=True)

    members: Mapped[list[OrganisationMember]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def has_member(self, user) -> bool:
        return any(m.user_id == getattr(user, "id", None) for m in self.members)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name}>"


class OrganisationMember(db.Model):
    """A person who acts for an organisation (a lawyer of a firm, a property manager's clerk)."""

    __tablename__ = "organisation_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(sa.String(60))
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id"),)
