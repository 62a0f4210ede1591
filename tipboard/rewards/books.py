"""Rewards: the books. Each budget's remaining amount as the ledger tells it, the check that the
budget rows agree with the ledger, and the ledger and monthly statement for supervisors.

Read-only: nothing here moves money or changes a row.
"""

from __future__ import annotations

import calendar
import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tipboard.extensions import db
from tipboard.rewards.models import Budget, Fund, LedgerEntry, LedgerKind, Reward
from tipboard.templating import money_text
from tipboard.timezones import from_local
from tipboard.tips.models import Category, Tip


def ledger_moves() -> dict[int, int]:
    """Per budget id, what the ledger has moved in or out of it (reservations out; releases and
    expiries back in). A budget's remaining amount is its amount plus this."""
    effect = sa.case(
        (LedgerEntry.kind == LedgerKind.RESERVE.value, -LedgerEntry.amount_fen),
        (LedgerEntry.kind.in_([LedgerKind.RELEASE.value, LedgerKind.EXPIRE.value]), LedgerEntry.amount_fen),
        else_=0,
    )
    return {
        budget_id: int(total or 0)
        for budget_id, total in db.session.execute(
            sa.select(LedgerEntry.budget_id, sa.func.sum(effect)).group_by(LedgerEntry.budget_id)
        )
    }


def check_books() -> list:
    """Disagreements between the budget rows and the ledger (an empty list means the books agree),
    as sentences for people: lazy strings that ``str()`` renders in the current language. Two
    statements, however many budgets."""
    problems = []
    moved = ledger_moves()
    # populate_existing: budgets move by UPDATE statements, so rows already in the session may be stale.
    for budget in db.session.scalars(
        sa.select(Budget).order_by(Budget.id).execution_options(populate_existing=True)
    ):
        derived = budget.amount_fen + moved.get(budget.id, 0)
        if derived != budget.remaining_fen:
            # Lazy: read in the language of whoever looks (the budgets page, the CLI's default).
            problems.append(
                _l(
                    "Budget %(number)s (%(fund)s, %(period)s): the budget says %(row)s is left, "
                    "the ledger says %(ledger)s.",
                    number=budget.id,
                    fund=budget.fund.name,
                    period=budget.period,
                    row=money_text(budget.remaining_fen),
                    ledger=money_text(derived),
                )
            )
    return problems


def local_days(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Station-local days ``first`` to ``last``, both included, as naive UTC bounds [start, end).
    ValueError at the calendar's edges (0001-01-01 has no UTC start, 9999-12-31 no next day)."""
    try:
        return (
            from_local(dt.datetime.combine(first, dt.time())),
            from_local(dt.datetime.combine(last + dt.timedelta(days=1), dt.time())),
        )
    except OverflowError as exc:
        raise ValueError(f"no UTC bounds for {first}..{last}") from exc


def ledger_between(start: dt.datetime, end: dt.datetime) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
            .order_by(LedgerEntry.id)
        )
    )


def monthly_statement(year: int, month: int) -> list[dict]:
    """Per fund: payouts in the month by category, count, average, and what the budget has left.
    ValueError for a month at the calendar's edge (see :func:`local_days`)."""
    start, end = local_days(
        dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    )
    rows = db.session.execute(
        sa.select(
            Fund.id,
            Fund.code,
            Category.name_en,
            Category.name_zh,
            sa.func.count(),
            sa.func.sum(LedgerEntry.amount_fen),
        )
        .select_from(LedgerEntry)
        .join(Reward, Reward.id == LedgerEntry.reward_id)
        .join(Fund, Fund.id == Reward.fund_id)
        .outerjoin(Tip, Tip.id == Reward.tip_id)
        .outerjoin(Category, Category.id == Tip.category_id)
        .where(
            LedgerEntry.kind == LedgerKind.PAY.value,
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < end,
        )
        .group_by(Fund.id, Fund.code, Category.name_en, Category.name_zh)
    ).all()
    # The month's budget of each fund, else its year's (as rewards.services.budget_for_month), in one read.
    month_period, year_period = f"{year}-{month:02d}", f"{year}"
    budgets: dict[int, Budget] = {}
    for b in db.session.scalars(sa.select(Budget).where(Budget.period.in_([month_period, year_period]))):
        if b.period == month_period or b.fund_id not in budgets:
            budgets[b.fund_id] = b
    statement = []
    for f in db.session.scalars(sa.select(Fund).order_by(Fund.id)):
        lines = [r for r in rows if r[0] == f.id]
        count = sum(r[4] for r in lines)
        total = sum(int(r[5] or 0) for r in lines)
        budget = budgets.get(f.id)
        statement.append(
            {
                "fund": f,
                "by_category": [(r[2], r[3], r[4], int(r[5] or 0)) for r in lines],
                "count": count,
                "total_fen": total,
                "average_fen": total // count if count else 0,
                "remaining_fen": budget.remaining_fen if budget else None,
                "budget_fen": budget.amount_fen if budget else None,
            }
        )
    return statement
