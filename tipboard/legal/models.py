"""Legal help: questions answered online by the lawyers on duty, the duty rota, office hours at the
station and the public FAQ made from answered questions."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db
from tipboard.permissions import SUPERVISORS


class QuestionStatus(enum.StrEnum):
    OPEN = "open"  # waiting for a lawyer's answer
    ASKED_BACK = "asked_back"  # the lawyer asked the asker something; waiting for the asker
    ANSWERED = "answered"  # answered; the asker may follow up
    CLOSED = "closed"


STATUS_LABELS = {
    QuestionStatus.OPEN: _l("Waiting for a lawyer"),
    QuestionStatus.ASKED_BACK: _l("The lawyer asked you something"),
    QuestionStatus.ANSWERED: _l("Answered"),
    QuestionStatus.CLOSED: _l("Closed"),
}

TOPICS = {
    "family": _l("Marriage and family"),
    "labour": _l("Work and wages"),
    "housing": _l("Housing and neighbours"),
    "consumer": _l("Shopping and contracts"),
    "traffic": _l("Traffic accidents"),
    "debt": _l("Loans and debts"),
    "other": _l("Something else"),
}


class LegalQuestion(TimestampMixin, db.Model):
    __tablename__ = "legal_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    asker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(20), default=QuestionStatus.OPEN.value, index=True)
    photo_name: Mapped[str | None] = mapped_column(sa.String(64))
    thumb_name: Mapped[str | None] = mapped_column(sa.String(64))
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    first_answer_at: Mapped[dt.datetime | None]
    first_lawyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    first_firm_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    overdue_raised_at: Mapped[dt.datetime | None]
    rating: Mapped[int | None]
    mediation_suggested_at: Mapped[dt.datetime | None]
    mediation_consented_at: Mapped[dt.datetime | None]
    visit_suggested_at: Mapped[dt.datetime | None]

    asker = relationship("User", foreign_keys=[asker_id])
    first_lawyer = relationship("User", foreign_keys=[first_lawyer_id])
    first_firm = relationship("Organisation", foreign_keys=[first_firm_id])
    lawyers: Mapped[list[QuestionLawyer]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionLawyer.id"
    )
    messages: Mapped[list[QuestionMessage]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionMessage.id"
    )

    __table_args__ = (
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[QuestionStatus(self.status)])

    @property
    def topic_label(self) -> str:
        return str(TOPICS.get(self.topic, self.topic))

    def is_asker(self, user) -> bool:
        return bool(
            user is not None and getattr(user, "is_authenticated", False) and self.asker_id == user.id
        )

    def is_lawyer_on(self, user) -> bool:
        return any(link.user_id == getattr(user, "id", None) for link in self.lawyers)

    def can_view(self, user) -> bool:
        """The lawyers on it and the station's supervisors (the asker goes through legal.access)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return user.has_role(*SUPERVISORS) or (user.has_role("lawyer") and self.is_lawyer_on(user))


class QuestionLawyer(db.Model):
    """A lawyer on a question: one it was routed to (on duty when it came in) or who took it."""

    __tablename__ = "legal_question_lawyer"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_question.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    how: Mapped[str] = mapped_column(sa.String(10))  # "routed" or "took"

    question: Mapped[LegalQuestion] = relationship(back_populates="lawyers")
    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("question_id", "user_id"),)


class MessageKind(enum.StrEnum):
    ANSWER = "answer"
    ASK_BACK = "ask_back"
    FOLLOW_UP = "follow_up"  # the asker's reply or follow-up question


class QuestionMessage(db.Model):
    __tablename__ = "legal_question_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("legal_question.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # None: the asker
    kind: Mapped[str] = mapped_column(sa.String(12))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    question: Mapped[LegalQuestion] = relationship(back_populates="messages")
    author = relationship("User", lazy="joined")

    @property
    def from_asker(self) -> bool:
        return self.kind == MessageKind.FOLLOW_UP.value


class DutyHours(db.Model):
    """A lawyer's weekly recurring hours on duty for a firm (station time, whole hours)."""

    __tablename__ = "legal_duty_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # 0 = Monday
    start_hour: Mapped[int]
    end_hour: Mapped[int]  # exclusive; 24 = midnight

    user = relationship("User", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("start_hour >= 0 AND start_hour < end_hour AND end_hour <= 24", name="hour_range"),
    )


class DutyException(db.Model):
    """A day a lawyer is off duty despite their weekly hours (leave, a court day)."""

    __tablename__ = "legal_duty_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(sa.String(200))

    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)


class FaqStatus(enum.StrEnum):
    PROPOSED = "proposed"  # the lawyer proposed the text; waiting for the asker's consent
    CONSENTED = "consented"  # the asker agreed; waiting for the station's check
    PUBLISHED = "published"
    DECLINED = "declined"


FAQ_STATUS_LABELS = {
    FaqStatus.PROPOSED: _l("waiting for the asker's consent"),
    FaqStatus.CONSENTED: _l("waiting for the station's check"),
    FaqStatus.PUBLISHED: _l("published"),
    FaqStatus.DECLINED: _l("the asker declined"),
}

#: Published FAQ entries as SQL, written out so the partial index is used.
FAQ_PUBLISHED = sa.text("status = 'published'")


class FaqEntry(TimestampMixin, db.Model):
    __tablename__ = "legal_faq_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("legal_question.id", ondelete="SET NULL"), unique=True
    )
    topic: Mapped[str] = mapped_column(sa.String(20))
    locale: Mapped[str] = mapped_column(sa.String(16))  # the language of question/answer
    question: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text)
    # The same entry in the other language, where someone translated it.
    question_translated: Mapped[str | None] = mapped_column(sa.Text)
    answer_translated: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default=FaqStatus.PROPOSED.value)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    published_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.Index("ix_legal_faq_entry_status", "status"),
        sa.Index(
            "ix_legal_faq_entry_published",
            "published_at",
            sqlite_where=FAQ_PUBLISHED,
            postgresql_where=FAQ_PUBLISHED,
        ),
    )

    @property
    def status_label(self) -> str:
        return str(FAQ_STATUS_LABELS[FaqStatus(self.status)])

    @property
    def topic_label(self) -> str:
        return str(TOPICS.get(self.topic, self.topic))

    def texts(self, locale: str) -> tuple[str, str]:
        """The question and answer in ``locale`` when translated, else as written."""
        if locale != self.locale and self.question_translated and self.answer_translated:
            return self.question_translated, self.answer_translated
        return self.question, self.answer


class OfficeHours(db.Model):
    """Recurring office hours at the station: a firm (and optionally one of its lawyers) sits on a
    weekday from a time to a time, with a number of places."""

    __tablename__ = "legal_office_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    lawyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    weekday: Mapped[int]
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]
    places: Mapped[int]
    joint_mediation: Mapped[bool] = mapped_column(default=False)  # 警法联调: police and lawyer
    active: Mapped[bool] = mapped_column(default=True)

    organisation = relationship("Organisation", lazy="joined")
    lawyer = relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("places > 0", name="places_positive"),
    )


class OfficeSlot(db.Model):
    """One dated sitting of office hours; ``booked`` moves only by conditional UPDATEs."""

    __tablename__ = "legal_office_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_hours_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_office_hours.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    lawyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    places: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    joint_mediation: Mapped[bool] = mapped_column(default=False)

    organisation = relationship("Organisation", lazy="joined")
    lawyer = relationship("User", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("office_hours_id", "starts_at"),
        sa.CheckConstraint("booked >= 0 AND booked <= places", name="booked_within_places"),
    )

    @property
    def free(self) -> int:
        return self.places - self.booked

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    HELD = "held"  # the consultation took place; the outcome says how it ended
    NO_SHOW = "no_show"


class Outcome(enum.StrEnum):
    ADVICE = "advice"
    MEDIATION = "mediation"
    COURT = "court"
    LEGAL_AID = "legal_aid"


OUTCOME_LABELS = {
    Outcome.ADVICE: _l("Advice given"),
    Outcome.MEDIATION: _l("Referred to mediation"),
    Outcome.COURT: _l("Referred to court"),
    Outcome.LEGAL_AID: _l("Referred to legal aid"),
}
BOOKING_LABELS = {
    BookingStatus.BOOKED: _l("Booked"),
    BookingStatus.CANCELLED: _l("Cancelled"),
    BookingStatus.HELD: _l("Consultation held"),
    BookingStatus.NO_SHOW: _l("Did not come"),
}
LIVE_BOOKING = sa.text("status = 'booked'")


class Booking(TimestampMixin, db.Model):
    __tablename__ = "legal_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)  # the confirmation page's key
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_office_slot.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    walk_in_name: Mapped[str | None] = mapped_column(sa.String(100))  # booked by staff at the desk
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    topic: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(12), default=BookingStatus.BOOKED.value)
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    outcome_note: Mapped[str | None] = mapped_column(sa.Text)
    reminded_at: Mapped[dt.datetime | None]

    slot: Mapped[OfficeSlot] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        # One live booking per person and sitting: a double click books once.
        sa.Index(
            "ix_legal_booking_live_person",
            "slot_id",
            "user_id",
            unique=True,
            sqlite_where=LIVE_BOOKING,
            postgresql_where=LIVE_BOOKING,
        ),
    )

    @property
    def status_label(self) -> str:
        return str(BOOKING_LABELS[BookingStatus(self.status)])

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[Outcome(self.outcome)]) if self.outcome else ""

    @property
    def who(self) -> str:
        return self.user.name if self.user is not None else (self.walk_in_name or "")
