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


class ReferralStatus(enum.StrEnum):
    OPEN = "open"  # with the partner
    DONE = "done"  # the partner says it is done; the station checks
    CONFIRMED = "confirmed"  # the station agrees: the tip is resolved
    WITHDRAWN = "withdrawn"  # the station took it back


REFERRAL_STATUS_LABELS = {
    ReferralStatus.OPEN: _l("With the partner"),
    ReferralStatus.DONE: _l("Done, to be confirmed"),
    ReferralStatus.CONFIRMED: _l("Confirmed"),
    ReferralStatus.WITHDRAWN: _l("Withdrawn"),
}


class Referral(TimestampMixin, db.Model):
    """A tip (or the part of it ``note`` names) handed to a partner to fix by ``due_on`` (联动调处)."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(12), default=ReferralStatus.OPEN.value, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    done_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]

    tip = relationship("Tip", lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by = relationship("User")
    replies: Mapped[list[ReferralReply]] = relationship(
        back_populates="referral", order_by="ReferralReply.id", cascade="all, delete-orphan"
    )

    @property
    def status_enum(self) -> ReferralStatus:
        return ReferralStatus(self.status)

    @property
    def status_label(self) -> str:
        return str(REFERRAL_STATUS_LABELS[self.status_enum])

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == ReferralStatus.OPEN.value and self.due_on < today


class ReferralReply(db.Model):
    """One entry in the conversation between the partner and the station about a referral; ``done``
    marks the partner's report that the work is finished. A photo is optional."""

    __tablename__ = "referral_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    from_station: Mapped[bool] = mapped_column(default=False)
    done: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str | None] = mapped_column(sa.Text)
    photo_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    thumb_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="replies")
    author = relationship("User")
