"""The budgets page tells a supervisor, in their language, where the books disagree."""

import pytest
import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.rewards import books
from tipboard.rewards.models import Budget


@pytest.mark.parametrize(
    "locale,expected",
    [
        (
            "en",
            "Budget {id} (Grid red envelopes, {period}): the budget says ¥900.00 is left, the ledger says ¥1000.00.",
        ),
        ("zh_Hans", "预算 {id}（网格红包，{period}）：预算记录剩余 ¥900.00，台账算出剩余 ¥1000.00。"),
    ],
)
def test_books_that_disagree_are_told_in_words_in_the_readers_language(
    client, users, login, setup_money, locale, expected
):
    m = setup_money()
    db.session.execute(sa.update(Budget).where(Budget.id == m["budget"].id).values(remaining_fen=90_000))
    db.session.commit()
    assert len(books.check_books()) == 1
    users["admin"].locale = locale
    login(client, users["admin"])
    html = client.get("/rewards/budgets").data.decode()
    assert expected.format(id=m["budget"].id, period=m["budget"].period) in html
    assert "row says" not in html and "90000" not in html


def test_the_cli_still_reports_disagreeing_books(runner, setup_money):
    m = setup_money()
    db.session.execute(sa.update(Budget).where(Budget.id == m["budget"].id).values(remaining_fen=90_000))
    db.session.commit()
    result = runner.invoke(args=["tipboard", "check-books"])
    assert result.exit_code == 1 and f"{m['budget'].id}" in result.output and "¥1000.00" in result.output


def test_the_books_and_the_statement_read_a_fixed_number_of_statements(app_ctx):
    """Two statements for the books check and three for a month's statement, however many funds
    and budgets; a fund's month budget is preferred to its year's, as for rewards."""
    from tests.rewards.factories import BudgetFactory, FundFactory
    from tests.sqlcount import statements

    def read():
        with statements() as checked:
            assert books.check_books() == []
        with statements() as stated:
            statement = books.monthly_statement(2026, 5)
        return len(checked), len(stated), {line["fund"].code: line["budget_fen"] for line in statement}

    FundFactory(code="one")
    db.session.flush()
    few = read()
    for code in ("two", "three", "four"):
        fund = FundFactory(code=code)
        BudgetFactory(fund=fund, period="2026", amount_fen=50_000)
        if code != "four":
            BudgetFactory(fund=fund, period="2026-05", amount_fen=7_000)
    db.session.flush()
    many = read()
    assert few[:2] == many[:2] == (2, 3)
    assert many[2] == {"one": None, "two": 7_000, "three": 7_000, "four": 50_000}
