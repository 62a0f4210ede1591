import factory

from tests.factories import Base
from tipboard.rewards.models import Budget, Fund, RewardRule


class FundFactory(Base):
    class Meta:
        model = Fund
        sqlalchemy_get_or_create = ("code",)

    code = "hazard"
    name_en = "Grid red envelopes"
    name_zh = "网格红包"


class BudgetFactory(Base):
    class Meta:
        model = Budget

    fund = factory.SubFactory(FundFactory)
    amount_fen = 100_000
    remaining_fen = factory.SelfAttribute("amount_fen")


class RuleFactory(Base):
    class Meta:
        model = RewardRule

    min_fen, default_fen, max_fen = 500, 1000, 2000
