"""Demo funds, budgets and reward rules (idempotent)."""

import sqlalchemy as sa

from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.rewards.models import Budget, Fund, RewardRule
from tipboard.timezones import local_now
from tipboard.tips.models import Category

FUNDS = [
    ("hazard", "Grid red envelopes", "网格红包"),
    ("courage", "Act of courage awards", "见义勇为奖励"),
    ("good_neighbour", "Good neighbour awards", "好邻居奖励"),
]
RULES = {"fire-hazard": (500, 1000, 2000), "public-safety": (500, 1000, 2000), "traffic": (500, 500, 1000)}


def ensure_funds() -> dict[str, Fund]:
    funds = {}
    for code, en, zh in FUNDS:
        found = db.session.scalar(sa.select(Fund).where(Fund.code == code))
        if found is None:
            found = Fund(code=code, name_en=en, name_zh=zh)
            db.session.add(found)
        funds[code] = found
    db.session.flush()
    return funds


@demo_loader(order=20)
def load_reward_demo() -> None:
    funds = ensure_funds()
    now = local_now()
    for code, period, amount in (
        ("hazard", now.strftime("%Y-%m"), 200_000),
        ("courage", now.strftime("%Y"), 400_000),
        ("good_neighbour", now.strftime("%Y"), 100_000),
    ):
        if (
            db.session.scalar(
                sa.select(Budget.id).where(Budget.fund_id == funds[code].id, Budget.period == period)
            )
            is None
        ):
            db.session.add(
                Budget(fund_id=funds[code].id, period=period, amount_fen=amount, remaining_fen=amount)
            )
    for slug, (low, default, high) in RULES.items():
        category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
        if (
            category is not None
            and db.session.scalar(sa.select(RewardRule.id).where(RewardRule.category_id == category.id))
            is None
        ):
            db.session.add(
                RewardRule(category_id=category.id, min_fen=low, default_fen=default, max_fen=high)
            )
    db.session.flush()
