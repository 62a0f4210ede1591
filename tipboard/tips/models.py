from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db
from tipboard.geo import BilingualName, localized, public_coordinate
from tipboard.permissions import STAFF


class CategoryTexts(BilingualName):
    """A category's name and hint in the reader's language (the model and its cached choice)."""

    @property
    def hint(self) -> str:
        return localized(self.hint_zh, self.hint_en)


class Category(CategoryTexts, db.Model):
    """Admin-managed kinds of tip (fire hazard, public safety, fraud attempt ...)."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(100))
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    hint_en: Mapped[str] = mapped_column(sa.String(300), default="")
    hint_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    is_hazard: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    # Service levels (首问必答): hours to first response and to resolution; None = no target.
    response_hours: Mapped[int | None]
    resolution_hours: Mapped[int | None]


class TipStatus(enum.StrEnum):
    """Where a tip is in its loop: first contact, local resolution, follow-up visit."""

    NEW = "new"  # submitted, waiting for staff to look at it
    NEEDS_INFO = "needs_info"  # staff asked the reporter a question; waiting for the answer
    VERIFIED = "verified"  # checked by staff and published
    ASSIGNED = "assigned"  # given to an officer or a grid to handle
    IN_PROGRESS = "in_progress"  # someone is working on it
    RESOLVED = "resolved"  # handled; a public resolution note says how
    REOPENED = "reopened"  # came back after resolution (e.g. "not fixed" at the follow-up)
    REJECTED = "rejected"  # not acted on, with a reason
    DUPLICATE = "duplicate"  # the same matter as an earlier tip, which it now follows

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def meaning(self) -> str:
        return str(STATUS_MEANINGS[self])


STATUS_LABELS = {
    TipStatus.NEW: _l("Received"),
    TipStatus.NEEDS_INFO: _l("Waiting for your answer"),
    TipStatus.VERIFIED: _l("Verified"),
    TipStatus.ASSIGNED: _l("Assigned"),
    TipStatus.IN_PROGRESS: _l("Being handled"),
    TipStatus.RESOLVED: _l("Resolved"),
    TipStatus.REOPENED: _l("Reopened"),
    TipStatus.REJECTED: _l("Not taken up"),
    TipStatus.DUPLICATE: _l("Already reported"),
}
STATUS_MEANINGS = {
    TipStatus.NEW: _l("The station has your report and will look at it."),
    TipStatus.NEEDS_INFO: _l("The station asked you a question. Please answer it below."),
    TipStatus.VERIFIED: _l("Staff checked the report and published it."),
    TipStatus.ASSIGNED: _l("An officer or grid worker is responsible for it."),
    TipStatus.IN_PROGRESS: _l("Work on it has started."),
    TipStatus.RESOLVED: _l("It has been dealt with. The note below says how."),
    TipStatus.REOPENED: _l("It came back for more work."),
    TipStatus.REJECTED: _l("The station will not act on it. The note below says why."),
    TipStatus.DUPLICATE: _l("Someone reported the same matter earlier; you now follow that report."),
}
PUBLIC_STATUSES = frozenset(
    {TipStatus.VERIFIED, TipStatus.ASSIGNED, TipStatus.IN_PROGRESS, TipStatus.RESOLVED, TipStatus.REOPENED}
)
#: Published tips as SQL, the statuses written out (not bound parameters): SQLite and PostgreSQL
#: use a partial index only for a query that states the index's condition in the same words.
PUBLISHED = sa.text(f"status IN ({', '.join(repr(s.value) for s in sorted(PUBLIC_STATUSES))})")
OPEN_STATUSES = frozenset(
    {
        TipStatus.NEW,
        TipStatus.NEEDS_INFO,
        TipStatus.VERIFIED,
        TipStatus.ASSIGNED,
        TipStatus.IN_PROGRESS,
        TipStatus.REOPENED,
    }
)


class ContactPreference(enum.StrEnum):
    INBOX = "inbox"
    PHONE = "phone"
    EMAIL = "email"
    NONE = "none"


CONTACT_LABELS = {
    ContactPreference.INBOX: _l("Messages in tipboard only"),
    ContactPreference.PHONE: _l("A phone call is fine"),
    ContactPreference.EMAIL: _l("Email"),
    ContactPreference.NONE: _l("Do not contact me"),
}


class Tip(TimestampMixin, db.Model):
    __tablename__ = "tip"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    # SHA-256 of the key the sending phone drew for this report: a report sent again (queued
    # offline, a lost answer) is stored once (services.replay_submission).
    submission_key_hash: Mapped[str | None] = mapped_column(sa.String(64))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    seen_at: Mapped[dt.datetime | None]
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(sa.String(200))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    contact_preference: Mapped[str | None] = mapped_column(sa.String(16))
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(20), default=TipStatus.NEW.value, index=True)
    me_too_count: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[dt.datetime | None]
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tip.id"))
    # Set by the station's workflow (tipboard/tips/workflow.py):
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status_before_question: Mapped[str | None] = mapped_column(sa.String(20))
    first_response_at: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None] = mapped_column(index=True)

    category: Mapped[Category] = relationship(lazy="joined")
    grid = relationship("Grid", lazy="joined")
    reporter = relationship("User", foreign_keys=[reporter_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    duplicate_of: Mapped[Tip | None] = relationship(remote_side="Tip.id")
    photos: Mapped[list[TipPhoto]] = relationship(
        back_populates="tip", order_by="TipPhoto.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[TipEvent]] = relationship(
        back_populates="tip", order_by="TipEvent.id", cascade="all, delete-orphan"
    )
    answers: Mapped[list[TipAnswer]] = relationship(order_by="TipAnswer.id", cascade="all, delete-orphan")

    __table_args__ = (
        # An anonymous tip is linked to no account, by construction.
        sa.CheckConstraint("NOT anonymous OR reporter_id IS NULL", name="anonymous_has_no_reporter"),
        # A unique index, not a constraint: SQLite adds it without rebuilding the tip table.
        sa.Index("uq_tip_submission_key_hash", "submission_key_hash", unique=True),
        sa.Index("ix_tip_category_created", "category_id", "created_at"),
        sa.Index("ix_tip_status_created", "status", "created_at"),
        # The public list and map, newest first, whole or by category (tips.services.public_tips).
        sa.Index(
            "ix_tip_public_created", "created_at", "id", sqlite_where=PUBLISHED, postgresql_where=PUBLISHED
        ),
        sa.Index(
            "ix_tip_public_category_created",
            "category_id",
            "created_at",
            "id",
            sqlite_where=PUBLISHED,
            postgresql_where=PUBLISHED,
        ),
    )

    @property
    def status_enum(self) -> TipStatus:
        return TipStatus(self.status)

    @property
    def is_public(self) -> bool:
        return self.status_enum in PUBLIC_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status_enum in OPEN_STATUSES

    @property
    def public_lat(self) -> float | None:
        return public_coordinate(self.lat)

    @property
    def public_lon(self) -> float | None:
        return public_coordinate(self.lon)

    def is_reporter(self, user) -> bool:
        return (
            user is not None
            and getattr(user, "is_authenticated", False)
            and self.reporter_id is not None
            and self.reporter_id == user.id
        )

    def can_view(self, user) -> bool:
        """Full view (photos, conversation): the named reporter and station staff."""
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return self.is_reporter(user) or user.has_role(*STAFF)

    @property
    def latest_public_note(self) -> str | None:
        """The newest note staff made public (e.g. how it was resolved)."""
        notes = [e for e in self.events if e.visibility == EventVisibility.PUBLIC.value and e.body]
        return notes[-1].body if notes else None

    def visible_events(self, *, staff: bool) -> list[TipEvent]:
        if staff:
            return list(self.events)
        return [e for e in self.events if e.visibility != EventVisibility.INTERNAL.value]


class TipPhoto(db.Model):
    __tablename__ = "tip_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tip: Mapped[Tip] = relationship(back_populates="photos")


class EventVisibility(enum.StrEnum):
    PUBLIC = "public"  # on the public hazard page and to the reporter
    REPORTER = "reporter"  # between the reporter and the station
    INTERNAL = "internal"  # station staff only


class EventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    STATUS = "status"  # a status change, with an optional public note
    STAFF_MESSAGE = "staff_message"
    REPORTER_MESSAGE = "reporter_message"
    QUESTION = "question"  # staff asked the reporter for more information
    ANSWER = "answer"  # the reporter's answer to a question
    NOTE = "note"  # internal note
    ME_TOO = "me_too"


class TipEvent(db.Model):
    """The tip's timeline and its two-way conversation, one row per entry.

    ``author_id`` is set only for staff entries; the reporter's own entries never carry an id, so
    an anonymous tipster's words stay unlinked.
    """

    __tablename__ = "tip_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    visibility: Mapped[str] = mapped_column(sa.String(10), default=EventVisibility.REPORTER.value)
    status: Mapped[str | None] = mapped_column(sa.String(20))
    body: Mapped[str | None] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tip: Mapped[Tip] = relationship(back_populates="events")
    author = relationship("User")

    @property
    def from_reporter(self) -> bool:
        return self.kind in (
            EventKind.REPORTER_MESSAGE.value,
            EventKind.ANSWER.value,
            EventKind.SUBMITTED.value,
            EventKind.ME_TOO.value,
        )


class MeToo(db.Model):
    """Another resident saw the same thing. Holds an account link only for a signed-in resident."""

    __tablename__ = "me_too"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    comment: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("tip_id", "user_id"),)


class PendingUpload(db.Model):
    """Photos already accepted for a form that still has to be submitted (a correction, or the
    "is it one of these?" step): kept under a random token so nothing is uploaded twice."""

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(43), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class FollowUp(db.Model):
    """One follow-up question per resolution of a tip."""

    __tablename__ = "tip_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    resolved_at: Mapped[dt.datetime]  # which resolution this follows up
    asked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None]
    fixed: Mapped[bool | None]
    satisfaction: Mapped[int | None]  # 1..5
    comment: Mapped[str | None] = mapped_column(sa.String(1000))

    tip: Mapped[Tip] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("tip_id", "resolved_at"),
        sa.CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )


class QuestionKind(enum.StrEnum):
    """What an extra question of a category takes (Open311 attribute datatypes beside each)."""

    TEXT = "text"
    NUMBER = "number"
    SINGLE = "single"
    MULTI = "multi"


QUESTION_KIND_LABELS = {
    QuestionKind.TEXT: _l("Text"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.SINGLE: _l("One choice"),
    QuestionKind.MULTI: _l("Several choices"),
}


class CategoryQuestion(db.Model):
    """An extra question the tip form asks when this category is chosen (an Open311 attribute).

    ``choices`` holds one choice a line, ``key|English|中文``, for the two choice kinds."""

    __tablename__ = "category_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    text_en: Mapped[str] = mapped_column(sa.String(300))
    text_zh: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(10), default=QuestionKind.TEXT.value)
    required: Mapped[bool] = mapped_column(default=False)
    choices: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[Category] = relationship()

    __table_args__ = (sa.UniqueConstraint("category_id", "code"),)

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)

    @property
    def choice_list(self) -> list[tuple[str, str, str]]:
        """(key, English, Chinese) for each choice line."""
        found = []
        for line in (self.choices or "").splitlines():
            parts = [p.strip() for p in line.split("|")]
            if parts and parts[0]:
                en = parts[1] if len(parts) > 1 and parts[1] else parts[0]
                zh = parts[2] if len(parts) > 2 and parts[2] else en
                found.append((parts[0], en, zh))
        return found

    def choice_name(self, key: str) -> str:
        for k, en, zh in self.choice_list:
            if k == key:
                return localized(zh, en)
        return key


class TipAnswer(db.Model):
    """A reporter's answer to a category's extra question; several choices are stored a line each."""

    __tablename__ = "tip_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("category_question.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(sa.Text)

    question: Mapped[CategoryQuestion] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("tip_id", "question_id"),)

    @property
    def shown(self) -> str:
        """The answer as staff read it: choice names in their language."""
        if self.question.kind in (QuestionKind.SINGLE.value, QuestionKind.MULTI.value):
            return ", ".join(self.question.choice_name(k) for k in self.value.splitlines())
        return self.value
