"""Questions answered online: asking (anonymously with a code and secret, or named), routing to
the lawyers on duty, answers and questions back, follow-ups, ratings and the lawyer's suggestions
(mediation, a visit to the office hours)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import logging
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from tipboard.database import utcnow
from tipboard.documents import DocumentError, clean_pdf
from tipboard.events import mediation_requested
from tipboard.extensions import db
from tipboard.legal.errors import LegalError
from tipboard.legal.models import (
    TOPICS,
    LegalQuestion,
    MessageKind,
    QuestionLawyer,
    QuestionMessage,
    QuestionStatus,
)
from tipboard.legal.rota import firm_of, is_lawyer, on_duty, response_target
from tipboard.outbox import notify, register_message
from tipboard.timezones import to_local
from tipboard.tips import photos as photo_store
from tipboard.tips.services import _group, _random_chars, hash_secret, normalise_code, photo_dir

log = logging.getLogger("tipboard.legal")

CODE_LENGTH = 8
SECRET_LENGTH = 12

register_message(
    "legal.new_question",
    _l("A legal question for you"),
    _l("A question about %(topic)s came in while you are on duty. Please answer by %(due)s."),
)
register_message(
    "legal.answered",
    _l("Your legal question was answered"),
    _l("A lawyer replied to your question %(code)s."),
)
register_message(
    "legal.follow_up", _l("The asker wrote again"), _l("The asker of question %(code)s wrote again.")
)


@dataclasses.dataclass
class Receipt:
    question: LegalQuestion
    code: str
    secret: str


def new_code() -> str:
    """A fresh tracking code; the table's unique constraint is the check (the view draws again)."""
    return _group(_random_chars(CODE_LENGTH))


def legal_photo_dir() -> Path:
    """Beside the tips' photos, in a folder of its own (the tips' orphan sweep never looks in it)."""
    return photo_dir() / "legal"


def store_photo(data: bytes) -> photo_store.StoredPhoto:
    """A photo re-encoded from its pixels alone (no EXIF, GPS or device data), as for a tip."""
    cfg = current_app.config
    legal_photo_dir().mkdir(parents=True, exist_ok=True)
    return photo_store.process_photo(
        data,
        legal_photo_dir(),
        max_bytes=cfg["MAX_PHOTO_BYTES"],
        max_pixels=cfg["MAX_IMAGE_PIXELS"],
        max_decode_pixels=cfg["MAX_DECODE_PIXELS"],
        max_side=cfg["PHOTO_MAX_SIDE"],
        thumb_side=cfg["THUMB_MAX_SIDE"],
        read_gps=False,
    )


@dataclasses.dataclass
class Attachment:
    """A PDF attached to a question (photos are photo_store.StoredPhoto, with a thumbnail)."""

    file_name: str
    thumb_name: None = None


def store_document(data: bytes) -> Attachment:
    """A PDF rewritten page by page: no author, software or XMP metadata (tipboard.documents).
    Raises DocumentError for a damaged, locked or too long one, or one over MAX_PHOTO_BYTES."""
    if len(data) > current_app.config["MAX_PHOTO_BYTES"]:
        raise DocumentError("too_large")
    legal_photo_dir().mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(18)}.pdf"
    (legal_photo_dir() / name).write_bytes(clean_pdf(data))
    return Attachment(name)


def ask(
    topic: str,
    body: str,
    asker=None,
    *,
    photo: photo_store.StoredPhoto | None = None,
    locale: str | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Store a question and route it to the lawyers on duty now. ``asker`` None: anonymous (the
    question stores no account; the code and secret are the only way back to it)."""
    now = now or utcnow()
    if topic not in TOPICS:
        raise LegalError("bad_topic")
    if not body.strip():
        raise LegalError("empty")
    secret = _random_chars(SECRET_LENGTH)
    question = LegalQuestion(
        tracking_code=new_code(),
        secret_hash=hash_secret(secret),
        asker_id=asker.id if asker is not None else None,
        topic=topic,
        body=body.strip(),
        locale=locale,
        status=QuestionStatus.OPEN.value,
        photo_name=photo.file_name if photo else None,
        thumb_name=photo.thumb_name if photo else None,
        due_at=response_target(now),
        created_at=now,
        updated_at=now,
    )
    db.session.add(question)
    for duty in on_duty(now):
        question.lawyers.append(
            QuestionLawyer(user_id=duty.user_id, organisation_id=duty.organisation_id, how="routed")
        )
    db.session.flush()
    for link in question.lawyers:
        notify(
            link.user, "legal.new_question", {"topic": question.topic_label, "due": _when(question.due_at)}
        )
    log.info("legal.asked id=%s topic=%s routed=%s", question.id, topic, len(question.lawyers))
    return Receipt(question=question, code=question.tracking_code, secret=_group(secret))


def _when(value: dt.datetime) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def match_code(code: str, secret: str) -> int | None:
    """The id of the question with this code and secret, or None; an unknown code and a wrong
    secret cost the same and answer the same."""
    row = db.session.execute(
        sa.select(LegalQuestion.id, LegalQuestion.secret_hash).where(
            LegalQuestion.tracking_code == normalise_code(code)
        )
    ).first()
    expected = row.secret_hash if row is not None else "0" * 64
    if hmac.compare_digest(expected, hash_secret(secret)) and row is not None:
        return row.id
    return None


def questions_of(user, limit: int = 100) -> list[LegalQuestion]:
    return list(
        db.session.scalars(
            sa.select(LegalQuestion)
            .where(LegalQuestion.asker_id == user.id)
            .order_by(LegalQuestion.id.desc())
            .limit(limit)
        )
    )


def desk(user) -> tuple[list[LegalQuestion], list[LegalQuestion]]:
    """A lawyer's questions (those they are on, open first) and those they may take (no lawyer on
    them, or past their target unanswered). Supervisors see every question in the first list."""
    query = sa.select(LegalQuestion).order_by(
        sa.case((LegalQuestion.status == QuestionStatus.OPEN.value, 0), else_=1), LegalQuestion.due_at
    )
    if not user.has_role("supervisor", "admin"):
        query = query.where(
            LegalQuestion.id.in_(
                sa.select(QuestionLawyer.question_id).where(QuestionLawyer.user_id == user.id)
            )
        )
    mine = list(db.session.scalars(query.limit(200)))
    takeable: list[LegalQuestion] = []
    if is_lawyer(user):
        takeable = list(
            db.session.scalars(
                sa.select(LegalQuestion)
                .where(
                    LegalQuestion.status == QuestionStatus.OPEN.value,
                    LegalQuestion.first_answer_at.is_(None),
                    ~LegalQuestion.id.in_(
                        sa.select(QuestionLawyer.question_id).where(QuestionLawyer.user_id == user.id)
                    ),
                    sa.or_(
                        ~sa.exists().where(QuestionLawyer.question_id == LegalQuestion.id),
                        LegalQuestion.due_at < utcnow(),
                    ),
                )
                .order_by(LegalQuestion.due_at)
                .limit(100)
            )
        )
    return mine, takeable


def can_take(question: LegalQuestion, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        question.status == QuestionStatus.OPEN.value
        and question.first_answer_at is None
        and (not question.lawyers or question.due_at < now)
    )


def take(question: LegalQuestion, lawyer) -> QuestionLawyer:
    """A lawyer takes a question nobody is on, or one past its target."""
    if not is_lawyer(lawyer):
        raise LegalError("not_a_lawyer")
    if question.is_lawyer_on(lawyer):
        raise LegalError("already")
    if not can_take(question):
        raise LegalError("cannot_take")
    firm = firm_of(lawyer)
    link = QuestionLawyer(user_id=lawyer.id, organisation_id=firm.id if firm else None, how="took")
    question.lawyers.append(link)
    db.session.flush()
    return link


def _require_lawyer_on(question: LegalQuestion, lawyer) -> QuestionLawyer:
    for link in question.lawyers:
        if link.user_id == lawyer.id:
            return link
    raise LegalError("not_on_it")


def reply(question: LegalQuestion, lawyer, body: str, *, ask_back: bool = False, now=None) -> QuestionMessage:
    """A lawyer on the question answers it or asks the asker something back."""
    now = now or utcnow()
    link = _require_lawyer_on(question, lawyer)
    if question.status == QuestionStatus.CLOSED.value:
        raise LegalError("closed")
    if not body.strip():
        raise LegalError("empty")
    kind = MessageKind.ASK_BACK if ask_back else MessageKind.ANSWER
    message = QuestionMessage(author_id=lawyer.id, kind=kind.value, body=body.strip(), created_at=now)
    question.messages.append(message)
    if question.first_answer_at is None:
        question.first_answer_at = now
        question.first_lawyer_id = lawyer.id
        question.first_firm_id = link.organisation_id
    question.status = (QuestionStatus.ASKED_BACK if ask_back else QuestionStatus.ANSWERED).value
    db.session.flush()
    if question.asker is not None:
        notify(question.asker, "legal.answered", {"code": question.tracking_code})
    return message


def follow_up(question: LegalQuestion, body: str, now=None) -> QuestionMessage:
    """The asker replies to a question back or asks a follow-up; the lawyers on it are told."""
    if question.status == QuestionStatus.CLOSED.value:
        raise LegalError("closed")
    if not body.strip():
        raise LegalError("empty")
    message = QuestionMessage(author_id=None, kind=MessageKind.FOLLOW_UP.value, body=body.strip())
    message.created_at = now or utcnow()
    question.messages.append(message)
    question.status = QuestionStatus.OPEN.value
    db.session.flush()
    for link in question.lawyers:
        notify(link.user, "legal.follow_up", {"code": question.tracking_code})
    return message


def rate(question: LegalQuestion, stars: int) -> None:
    if question.first_answer_at is None:
        raise LegalError("not_answered")
    if not 1 <= stars <= 5:
        raise LegalError("empty")
    question.rating = stars
    db.session.flush()


def suggest_mediation(question: LegalQuestion, lawyer, now=None) -> None:
    _require_lawyer_on(question, lawyer)
    if question.mediation_suggested_at is not None:
        raise LegalError("already")
    question.mediation_suggested_at = now or utcnow()
    db.session.flush()


def suggest_visit(question: LegalQuestion, lawyer, now=None) -> None:
    _require_lawyer_on(question, lawyer)
    question.visit_suggested_at = now or utcnow()
    db.session.flush()


def consent_to_mediation(question: LegalQuestion, now=None) -> list:
    """The asker agrees to mediation: once (a conditional UPDATE, so a double click or two tabs
    send the event once), then ``mediation_requested`` opens the case elsewhere. Returns what the
    receivers returned (the disputes blueprint: the new case's receipt)."""
    if question.mediation_suggested_at is None:
        raise LegalError("no_suggestion")
    now = now or utcnow()
    done = db.session.execute(
        sa.update(LegalQuestion)
        .where(LegalQuestion.id == question.id, LegalQuestion.mediation_consented_at.is_(None))
        .values(mediation_consented_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise LegalError("already")
    db.session.refresh(question)
    results = mediation_requested.send(question, asker=question.asker, lawyer=question.first_lawyer)
    return [result for _receiver, result in results if result is not None]
