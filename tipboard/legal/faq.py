"""The public FAQ made from answered questions: the lawyer proposes an anonymised text, the asker
sees exactly that text and consents (or declines), staff check it and publish it."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.legal.errors import LegalError
from tipboard.legal.models import FAQ_PUBLISHED, FaqEntry, FaqStatus, LegalQuestion
from tipboard.legal.questions import _require_lawyer_on

SEARCH_MAX = 100


def draft_for(question: LegalQuestion) -> tuple[str, str]:
    """The question and the answers as a starting text for the lawyer to anonymise."""
    answers = [m.body for m in question.messages if m.kind == "answer"]
    return question.body, "\n\n".join(answers)


def entry_of(question: LegalQuestion) -> FaqEntry | None:
    return db.session.scalar(sa.select(FaqEntry).where(FaqEntry.question_id == question.id))


def propose(
    question: LegalQuestion,
    lawyer,
    text_question: str,
    text_answer: str,
    *,
    translated_question: str | None = None,
    translated_answer: str | None = None,
) -> FaqEntry:
    """The lawyer's proposal (again, while the asker has not consented: it replaces the text)."""
    _require_lawyer_on(question, lawyer)
    if question.first_answer_at is None:
        raise LegalError("not_answered")
    if not text_question.strip() or not text_answer.strip():
        raise LegalError("empty")
    entry = entry_of(question)
    if entry is None:
        entry = FaqEntry(question_id=question.id, topic=question.topic, locale=question.locale or "zh_Hans")
        db.session.add(entry)
    elif entry.status not in (FaqStatus.PROPOSED.value, FaqStatus.DECLINED.value):
        raise LegalError("faq_state")
    entry.question, entry.answer = text_question.strip(), text_answer.strip()
    entry.question_translated = (translated_question or "").strip() or None
    entry.answer_translated = (translated_answer or "").strip() or None
    entry.status = FaqStatus.PROPOSED.value
    entry.proposed_by_id = lawyer.id
    db.session.flush()
    return entry


def _move(entry: FaqEntry, old: str, new: str, **values) -> None:
    done = db.session.execute(
        sa.update(FaqEntry)
        .where(FaqEntry.id == entry.id, FaqEntry.status == old)
        .values(status=new, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise LegalError("faq_state")
    db.session.refresh(entry)


def answer_consent(entry: FaqEntry, agree: bool) -> None:
    """The asker's answer to the text they were shown."""
    _move(entry, FaqStatus.PROPOSED.value, (FaqStatus.CONSENTED if agree else FaqStatus.DECLINED).value)


def publish(entry: FaqEntry, staff) -> None:
    """Staff's check: publish exactly the text the asker agreed to."""
    _move(
        entry,
        FaqStatus.CONSENTED.value,
        FaqStatus.PUBLISHED.value,
        checked_by_id=staff.id,
        published_at=utcnow(),
    )


def waiting_for_check() -> list[FaqEntry]:
    return list(
        db.session.scalars(
            sa.select(FaqEntry).where(FaqEntry.status == FaqStatus.CONSENTED.value).order_by(FaqEntry.id)
        )
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(words: str | None, topic: str | None = None) -> list[FaqEntry]:
    """Published entries whose texts (either language) contain ``words``, newest first."""
    query = sa.select(FaqEntry).where(FAQ_PUBLISHED)
    if topic:
        query = query.where(FaqEntry.topic == topic)
    for word in (words or "").split()[:5]:
        pattern = f"%{_escape_like(word[:50])}%"
        query = query.where(
            sa.or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        FaqEntry.question,
                        FaqEntry.answer,
                        FaqEntry.question_translated,
                        FaqEntry.answer_translated,
                    )
                )
            )
        )
    return list(db.session.scalars(query.order_by(FaqEntry.published_at.desc()).limit(SEARCH_MAX)))


def published(entry_id: int) -> FaqEntry | None:
    entry = db.session.get(FaqEntry, entry_id)
    return entry if entry is not None and entry.status == FaqStatus.PUBLISHED.value else None
