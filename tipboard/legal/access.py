"""Who may act as a question's asker in this request: an anonymous asker proves it once with the
code and secret (the browser's signed session then remembers the question for an hour, as for a
tip); a named asker is recognised by the account."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import abort, session
from flask_login import current_user

from tipboard.extensions import db
from tipboard.legal.models import LegalQuestion

ACCESS_SECONDS = 3600
MAX_REMEMBERED = 20
SESSION_KEY = "legal_tracked"


def grant(question_id: int) -> None:
    now = int(time.time())
    kept = {k: v for k, v in session.get(SESSION_KEY, {}).items() if v > now and k != str(question_id)}
    kept[str(question_id)] = now + ACCESS_SECONDS
    session[SESSION_KEY] = dict(sorted(kept.items(), key=lambda item: item[1])[-MAX_REMEMBERED:])


def acts_as_asker(question: LegalQuestion) -> bool:
    return session.get(SESSION_KEY, {}).get(str(question.id), 0) > time.time() or question.is_asker(
        current_user
    )


def asker_question(code: str) -> LegalQuestion | None:
    """The question with this code if this request may act as its asker; an unknown code and a
    known one without access answer alike."""
    question = db.session.scalar(sa.select(LegalQuestion).where(LegalQuestion.tracking_code == code[:20]))
    if question is None or not acts_as_asker(question):
        return None
    return question


def question_for_asker(code: str) -> LegalQuestion:
    question = asker_question(code)
    if question is None:
        abort(403)
    return question


def question_for_lawyer(question_id: int) -> LegalQuestion:
    """The question for a lawyer on it or a supervisor; 404 for nothing, 403 for someone else's."""
    question = db.session.get(LegalQuestion, question_id)
    if question is None:
        abort(404)
    if not question.can_view(current_user):
        abort(403)
    return question
