"""Extra questions per category (Open311 "attributes"): which a category asks, checking the answers.

Answers arrive as ``{question code: [values]}`` from the tip form (fields ``q-<code>``) and from
Open311 (``attribute[<code>]``); :func:`check_answers` turns them into the stored text or names
what is wrong with each. Services flush, never commit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import sqlalchemy as sa

from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.tips.models import CategoryQuestion, QuestionKind

ANSWER_MAX_CHARS = 1000
QUESTION_FIELDS = ("code", "text_en", "text_zh", "kind", "required", "choices", "sort_order", "active")


class QuestionError(Refusal):
    """A refusal of the question services (messages: tips.messages.QUESTION_ERRORS)."""


def questions_for(category_id: int | None, *, active_only: bool = True) -> list[CategoryQuestion]:
    """The questions a category asks, in their order."""
    if not category_id:
        return []
    query = sa.select(CategoryQuestion).where(CategoryQuestion.category_id == category_id)
    if active_only:
        query = query.where(CategoryQuestion.active.is_(True))
    return list(db.session.scalars(query.order_by(CategoryQuestion.sort_order, CategoryQuestion.id)))


def check_answers(
    questions: list[CategoryQuestion], raw: Mapping[str, list[str]]
) -> tuple[dict[int, str], dict[str, str]]:
    """(answers by question id, error codes by question code). Unasked codes are ignored."""
    answers: dict[int, str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        values = [v.strip() for v in raw.get(question.code, []) if v and v.strip()]
        if not values:
            if question.required:
                errors[question.code] = "answer_required"
            continue
        kind = question.kind
        if kind == QuestionKind.NUMBER.value:
            try:
                number = float(values[0].replace(",", "."))
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or abs(number) > 1e12:
                errors[question.code] = "answer_not_number"
                continue
            answers[question.id] = values[0]
        elif kind in (QuestionKind.SINGLE.value, QuestionKind.MULTI.value):
            keys = {k for k, _en, _zh in question.choice_list}
            chosen = list(dict.fromkeys(values))
            if any(v not in keys for v in chosen) or (kind == QuestionKind.SINGLE.value and len(chosen) > 1):
                errors[question.code] = "answer_bad_choice"
                continue
            answers[question.id] = "\n".join(chosen)
        else:
            if len(values[0]) > ANSWER_MAX_CHARS:
                errors[question.code] = "answer_too_long"
                continue
            answers[question.id] = values[0]
    return answers, errors


def save_question(category_id: int, question: CategoryQuestion | None, data: dict) -> CategoryQuestion:
    """Create or change a category's question. A choice kind needs at least one choice."""
    if data["kind"] in (QuestionKind.SINGLE.value, QuestionKind.MULTI.value):
        probe = CategoryQuestion(choices=data.get("choices") or "")
        if not probe.choice_list:
            raise QuestionError("needs_choices")
    taken = db.session.scalar(
        sa.select(CategoryQuestion.id).where(
            CategoryQuestion.category_id == category_id, CategoryQuestion.code == data["code"]
        )
    )
    if taken is not None and (question is None or taken != question.id):
        raise QuestionError("code_taken")
    if question is None:
        question = CategoryQuestion(category_id=category_id)
        db.session.add(question)
    for name in QUESTION_FIELDS:
        value = data.get(name)
        if name == "sort_order":
            value = value or 0
        if name == "choices":
            value = (value or "").strip()
        setattr(question, name, value)
    db.session.flush()
    return question
