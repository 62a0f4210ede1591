"""Questions past their response target: raised once to the station's queue, and the members of
the firms on them (or of every law firm, when nobody was on duty) are told."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.legal.models import LegalQuestion, QuestionStatus
from tipboard.moderation.services import enqueue
from tipboard.outbox import notify, register_message
from tipboard.partners.models import Organisation, OrganisationKind
from tipboard.timezones import to_local

OVERDUE_KIND = "legal_overdue"

register_message(
    "legal.overdue",
    _l("A legal question waits past its target"),
    _l("A question about %(topic)s has had no answer since %(since)s. Please answer or take it."),
)


def _firms_to_tell(question: LegalQuestion) -> list[Organisation]:
    ids = {link.organisation_id for link in question.lawyers if link.organisation_id}
    query = sa.select(Organisation).where(Organisation.active.is_(True))
    if ids:
        query = query.where(Organisation.id.in_(ids))
    else:
        query = query.where(Organisation.kind == OrganisationKind.LAW_FIRM.value)
    return list(db.session.scalars(query))


def raise_overdue(now: dt.datetime | None = None) -> int:
    """Each unanswered question past its target, once (``overdue_raised_at`` is taken by a
    conditional UPDATE): into the queue, and a message to its firms' members."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(LegalQuestion).where(
            LegalQuestion.status == QuestionStatus.OPEN.value,
            LegalQuestion.first_answer_at.is_(None),
            LegalQuestion.overdue_raised_at.is_(None),
            LegalQuestion.due_at < now,
        )
    ).all()
    raised = 0
    for question in due:
        taken = db.session.execute(
            sa.update(LegalQuestion)
            .where(LegalQuestion.id == question.id, LegalQuestion.overdue_raised_at.is_(None))
            .values(overdue_raised_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            continue
        db.session.refresh(question)
        enqueue(OVERDUE_KIND, question.id, subject=question, due_at=question.due_at, priority=1)
        told = set()
        for firm in _firms_to_tell(question):
            for member in firm.members:
                if member.user_id not in told and member.user.active:
                    told.add(member.user_id)
                    notify(
                        member.user,
                        "legal.overdue",
                        {
                            "topic": question.topic_label,
                            "since": f"{to_local(question.due_at):%Y-%m-%d %H:%M}",
                        },
                    )
        raised += 1
    return raised
