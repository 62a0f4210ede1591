"""Demo Open311 client (key ``demo-open311``) and an extra question for the fire-hazard category."""

from __future__ import annotations

import click
import sqlalchemy as sa

from tipboard.api.clients import DEMO_KEY, hash_key, issue_client
from tipboard.api.models import ApiClient
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.tips.models import Category, CategoryQuestion, QuestionKind

DEMO_QUESTIONS = {
    "fire-hazard": [
        (
            "where",
            "Where in the building?",
            "在楼内什么位置？",
            QuestionKind.SINGLE,
            False,  # optional: the walks through the form (and the browser tests) need not know it
            "corridor|Corridor or stairs|楼道或楼梯\nflat|Inside a flat|室内\noutside|Outside the building|楼外",
        ),
        ("ebikes", "How many e-bikes?", "有几辆电动车？", QuestionKind.NUMBER, False, ""),
    ]
}


@demo_loader(order=60)
def load_api_demo() -> None:
    if db.session.scalar(sa.select(ApiClient.id).where(ApiClient.key_hash == hash_key(DEMO_KEY))) is None:
        issue_client("Demo Open311 client", key=DEMO_KEY, is_demo=True)
    for slug, questions in DEMO_QUESTIONS.items():
        category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
        if category is None:
            continue
        for order, (code, en, zh, kind, required, choices) in enumerate(questions):
            exists = db.session.scalar(
                sa.select(CategoryQuestion.id).where(
                    CategoryQuestion.category_id == category.id, CategoryQuestion.code == code
                )
            )
            if exists is None:
                db.session.add(
                    CategoryQuestion(
                        category_id=category.id,
                        code=code,
                        text_en=en,
                        text_zh=zh,
                        kind=kind.value,
                        required=required,
                        choices=choices,
                        sort_order=order,
                        active=True,
                    )
                )
    db.session.flush()
    click.echo(f"Open311 client key (demo): {DEMO_KEY}")
