import pytest

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.rewards.factories import BudgetFactory, FundFactory, RuleFactory
from tipboard.permissions import Role
from tipboard.timezones import local_now
from tipboard.tips.workflow import TipAction, transition


@pytest.fixture
def setup_money(app_ctx):
    """A hazard fund with this month's budget, a rewardable category, a proposer and two supervisors."""

    def _make(budget_fen=100_000, default_fen=1000):
        category = CategoryFactory(is_hazard=True)
        RuleFactory(category_id=category.id, default_fen=default_fen, max_fen=max(2000, default_fen))
        fund = FundFactory(code="hazard")
        budget = BudgetFactory(fund=fund, period=local_now().strftime("%Y-%m"), amount_fen=budget_fen)
        staff = UserFactory(roles=(Role.STAFF,), name="Proposer")
        sup1 = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR), name="Supervisor One")
        sup2 = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR), name="Supervisor Two")
        return {
            "category": category,
            "fund": fund,
            "budget": budget,
            "staff": staff,
            "sup1": sup1,
            "sup2": sup2,
        }

    return _make


@pytest.fixture
def verified_tip():
    def _verify(category, staff, **kw):
        tip = TipFactory(category=category, **kw)
        transition(tip, TipAction.VERIFY, staff)
        return tip

    return _verify
