"""A dispute case (调解案件) from intake to the follow-up visit, its parties, the people who mediate
it, its conversation, evidence, agreement and follow-up answers.

Confidential by design: nothing here is ever public. Who may see a case is decided in
:mod:`tipboard.disputes.access`.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db


class DisputeKind(enum.StrEnum):
    NEIGHBOURS = "neighbours"
    NOISE = "noise"
    PETS = "pets"
    PROPERTY = "property"
    FAMILY = "family"
    TENANCY = "tenancy"
    LABOUR_PAY = "labour_pay"
    CONSUMER = "consumer"
    TRAFFIC = "traffic"
    OTHER = "other"


KIND_LABELS = {
    DisputeKind.NEIGHBOURS: _l("Neighbours"),
    DisputeKind.NOISE: _l("Noise"),
    DisputeKind.PETS: _l("Pets"),
    DisputeKind.PROPERTY: _l("Property management"),
    DisputeKind.FAMILY: _l("Family"),
    DisputeKind.TENANCY: _l("Landlord and tenant"),
    DisputeKind.LABOUR_PAY: _l("Unpaid wages"),
    DisputeKind.CONSUMER: _l("Consumer"),
    DisputeKind.TRAFFIC: _l("Traffic"),
    DisputeKind.OTHER: _l("Other"),
}


class Meeting(enum.StrEnum):
    ONLINE = "online"
    STATION = "station"
    LAWYER_DAY = "lawyer_day"


MEETING_LABELS = {
    Meeting.ONLINE: _l("Online"),
    Meeting.STATION: _l("At the station"),
    Meeting.LAWYER_DAY: _l("On a lawyer day at the station"),
}


class Channel(enum.StrEnum):
    ONLINE = "online"
    WALK_IN = "walk_in"
    PHONE = "phone"
    TIP = "tip"
    LEGAL = "legal"
    SCREENING = "screening"


class CaseStatus(enum.StrEnum):
    RECEIVED = "received"  # waiting for triage
    ACCEPTED = "accepted"  # accepted, waiting for the other side's consent
    MEDIATING = "mediating"  # both sides agreed to mediation
    AGREEMENT = "agreement"  # an agreement is drafted, waiting for the parties
    SETTLED = "settled"  # every party confirmed the agreement
    FAILED = "failed"  # mediation ended without agreement
    REFERRED = "referred"  # sent to a court, arbitration, a bureau ...
    DECLINED = "declined"  # the station declined the case
    OTHER_DECLINED = "other_declined"  # the other side refused or did not answer


STATUS_LABELS = {
    CaseStatus.RECEIVED: _l("Received"),
    CaseStatus.ACCEPTED: _l("Waiting for the other side"),
    CaseStatus.MEDIATING: _l("In mediation"),
    CaseStatus.AGREEMENT: _l("Agreement to confirm"),
    CaseStatus.SETTLED: _l("Settled"),
    CaseStatus.FAILED: _l("Ended without agreement"),
    CaseStatus.REFERRED: _l("Referred elsewhere"),
    CaseStatus.DECLINED: _l("Declined"),
    CaseStatus.OTHER_DECLINED: _l("Other side declined"),
}


class Side(enum.StrEnum):
    APPLICANT = "applicant"
    OTHER = "other"


class MemberRole(enum.StrEnum):
    LEAD = "lead"  # the lead mediator
    MEDIATOR = "mediator"
    OFFICER = "officer"
    LAWYER = "lawyer"
    PARTNER = "partner"


MEMBER_LABELS = {
    MemberRole.LEAD: _l("Lead mediator"),
    MemberRole.MEDIATOR: _l("Mediator"),
    MemberRole.OFFICER: _l("Officer"),
    MemberRole.LAWYER: _l("Lawyer"),
    MemberRole.PARTNER: _l("Partner"),
}


class Thread(enum.StrEnum):
    JOINT = "joint"  # every party and the mediators
    CAUCUS = "caucus"  # one party and the mediators (party_id says which)
    RECORD = "record"  # the mediators' session record (笔录)


class DisputeCase(TimestampMixin, db.Model):
    __tablename__ = "dispute_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    facts: Mapped[str] = mapped_column(sa.Text)
    wishes: Mapped[str] = mapped_column(sa.Text)
    meeting: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), index=True, default=CaseStatus.RECEIVED.value)
    risk: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[str] = mapped_column(sa.String(20), default=Channel.ONLINE.value)
    source: Mapped[str | None] = mapped_column(sa.String(300))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id", ondelete="SET NULL"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(sa.Text)  # of a referral, a decline, a failure
    accepted_at: Mapped[dt.datetime | None]
    consent_due_at: Mapped[dt.datetime | None]
    settled_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    closed_at: Mapped[dt.datetime | None]
    came_back: Mapped[bool] = mapped_column(default=False)
    came_back_at: Mapped[dt.datetime | None]

    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParty.id"
    )
    members: Mapped[list[CaseMember]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMember.id"
    )
    grid = relationship("Grid", lazy="joined")

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status_enum])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[DisputeKind(self.kind)])

    @property
    def meeting_label(self) -> str:
        return str(MEETING_LABELS[Meeting(self.meeting)])

    def party(self, side: Side) -> CaseParty | None:
        return next((p for p in self.parties if p.side == side.value), None)

    @property
    def lead(self) -> CaseMember | None:
        return next((m for m in self.members if m.role == MemberRole.LEAD.value), None)

    def member(self, user) -> CaseMember | None:
        uid = getattr(user, "id", None)
        return next((m for m in self.members if m.user_id == uid), None)

    def __repr__(self) -> str:
        return f"<DisputeCase {self.id} {self.status}>"


class CaseParty(db.Model):
    """The applicant or the other side. ``secret_hash`` is the hash of the secret that lets a
    person without an account follow the case (the applicant's, or the other side's invitation)."""

    __tablename__ = "dispute_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(sa.String(10))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    secret_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # Only the other side consents; the applicant consented by applying.
    consent: Mapped[str | None] = mapped_column(sa.String(10))  # "given" / "refused"
    consent_at: Mapped[dt.datetime | None]
    consent_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # A tip's reporter turned party stays anonymous to the other side unless they agree.
    hidden_from_other: Mapped[bool] = mapped_column(default=False)

    case: Mapped[DisputeCase] = relationship(back_populates="parties")
    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint("case_id", "side"),)

    def shown_name(self, to_party: CaseParty | None) -> str:
        if self.hidden_from_other and to_party is not None and to_party.id != self.id:
            return str(_l("(name withheld)"))
        return self.name


class CaseMember(db.Model):
    """A person working on the case: the lead mediator, other mediators, officers, lawyers and
    partner members (the "X" of joint mediation)."""

    __tablename__ = "dispute_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(10))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))

    case: Mapped[DisputeCase] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")
    organisation = relationship("Organisation")

    __table_args__ = (sa.UniqueConstraint("case_id", "user_id"),)

    @property
    def role_label(self) -> str:
        return str(MEMBER_LABELS[MemberRole(self.role)])


class CaseMessage(db.Model):
    __tablename__ = "dispute_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), index=True)
    thread: Mapped[str] = mapped_column(sa.String(10))
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute_party.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    author_party_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("dispute_party.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author_user = relationship("User")
    author_party = relationship("CaseParty", foreign_keys=[author_party_id])


class CaseFile(db.Model):
    """Evidence: an image re-encoded without metadata, or a PDF. Shown to the parties only when a
    mediator shares it (``shared``); the party who added it always sees it."""

    __tablename__ = "dispute_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute_party.id", ondelete="SET NULL"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    media: Mapped[str] = mapped_column(sa.String(10))  # "image" / "pdf"
    purpose: Mapped[str] = mapped_column(sa.String(10), default="evidence")  # or "scan" (signed paper)
    size_bytes: Mapped[int]
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Agreement(TimestampMixin, db.Model):
    """The mediation agreement (调解协议书) with the contents People's Mediation Law art. 29 asks
    for; the parties' details come from the case."""

    __tablename__ = "dispute_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), unique=True)
    facts: Mapped[str] = mapped_column(sa.Text)  # the main facts
    matters: Mapped[str] = mapped_column(sa.Text)  # the matters in dispute and each side's responsibility
    terms: Mapped[str] = mapped_column(sa.Text)  # what the parties agreed
    performance: Mapped[str] = mapped_column(sa.Text)  # how and by when it is carried out
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    case: Mapped[DisputeCase] = relationship()
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="Obligation.due_on"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="Signature.id"
    )

    def signature_of(self, party: CaseParty) -> Signature | None:
        return next((s for s in self.signatures if s.party_id == party.id), None)


class Obligation(db.Model):
    __tablename__ = "dispute_obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dispute_agreement.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(sa.String(10))  # who carries it out
    text: Mapped[str] = mapped_column(sa.String(500))
    due_on: Mapped[dt.date]

    agreement: Mapped[Agreement] = relationship(back_populates="obligations")


class Signature(db.Model):
    """A party's confirmation of the agreement: online (typed name + a one-time code sent through
    the outbox, used once by a conditional UPDATE) or on paper (a scan)."""

    __tablename__ = "dispute_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dispute_agreement.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_party.id", ondelete="CASCADE"))
    code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    code_expires_at: Mapped[dt.datetime | None]
    typed_name: Mapped[str | None] = mapped_column(sa.String(100))
    method: Mapped[str | None] = mapped_column(sa.String(10))  # "online" / "paper"
    scan_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispute_file.id", ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime | None]

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")
    party = relationship("CaseParty")

    __table_args__ = (sa.UniqueConstraint("agreement_id", "party_id"),)


class FollowUp(db.Model):
    """The question at 7, 30 or 90 days after settling (回访), one per party and day, and its answer."""

    __tablename__ = "dispute_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_party.id", ondelete="CASCADE"))
    day: Mapped[int]
    asked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None]
    carried_out: Mapped[bool | None]
    came_back: Mapped[bool | None]

    party = relationship("CaseParty")

    __table_args__ = (sa.UniqueConstraint("case_id", "party_id", "day"),)


class MediationSession(db.Model):
    """A mediation meeting: online, or in the station's mediation room (booked by the hour)."""

    __tablename__ = "dispute_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("dispute_case.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    place: Mapped[str] = mapped_column(sa.String(10))  # "online" / "room"
    scheduled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reminded_at: Mapped[dt.datetime | None]

    case: Mapped[DisputeCase] = relationship()


class RoomBooking(db.Model):
    """One hour of the mediation room. The unique start hour is what stops a double booking: of
    two requests for the same hour, the second insert fails."""

    __tablename__ = "dispute_room_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dispute_session.id", ondelete="CASCADE"), index=True
    )
    slot_start: Mapped[dt.datetime] = mapped_column(unique=True)


class ScreeningRound(db.Model):
    """A dispute screening round (矛盾纠纷排查): a grid on a day, who screened, the disputes found
    (each a case whose ``source`` names the round)."""

    __tablename__ = "dispute_screening"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id", ondelete="SET NULL"), index=True)
    day: Mapped[dt.date]
    screeners: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    grid = relationship("Grid")
