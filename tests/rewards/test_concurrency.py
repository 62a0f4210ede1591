"""Money under concurrency, against the real database (file SQLite or PostgreSQL), with threads."""

import threading

import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.rewards.factories import BudgetFactory, FundFactory, RuleFactory
from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.permissions import Role
from tipboard.rewards import books, services
from tipboard.rewards.models import Budget, ClaimCode, LedgerEntry, Payout, Reward
from tipboard.timezones import local_now
from tipboard.tips.workflow import TipAction, transition


def _setup(app, n_rewards: int, budget_fen: int, n_supervisors: int):
    with app.app_context():
        category = CategoryFactory(is_hazard=True)
        RuleFactory(category_id=category.id)
        budget = BudgetFactory(
            fund=FundFactory(code="hazard"), period=local_now().strftime("%Y-%m"), amount_fen=budget_fen
        )
        staff = UserFactory(roles=(Role.STAFF,))
        supervisors = [UserFactory(roles=(Role.STAFF, Role.SUPERVISOR)) for _ in range(n_supervisors)]
        reward_ids = []
        for _ in range(n_rewards):
            tip = TipFactory(category=category)
            transition(tip, TipAction.VERIFY, staff)
            reward_ids.append(services.reward_for_tip(tip.id).id)
        db.session.commit()
        return budget.id, reward_ids, [s.id for s in supervisors], staff.id


def _run_together(workers):
    barrier = threading.Barrier(len(workers), timeout=60)
    errors = []

    def wrap(fn):
        def run():
            barrier.wait()
            try:
                fn()
            except Exception as exc:
                errors.append(exc)

        return run

    threads = [threading.Thread(target=wrap(w)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def _approve_in_own_session(app, reward_id, supervisor_id, key, results):
    with app.app_context():
        try:
            result = services.approve(
                db.session.get(Reward, reward_id), db.session.get(User, supervisor_id), key
            )
            db.session.commit()
            results.append(result)
        except services.RewardError as exc:
            db.session.rollback()
            results.append(exc.code)
        finally:
            db.session.remove()


def test_twenty_concurrent_approvals_of_one_reward_pay_once(fresh_app):
    budget_id, [reward_id], supervisor_ids, _staff = _setup(fresh_app, 1, 100_000, 20)
    results = []
    errors = _run_together(
        [
            (
                lambda sid=sid, i=i: _approve_in_own_session(
                    fresh_app, reward_id, sid, f"key-{i:02d}-" + "x" * 12, results
                )
            )
            for i, sid in enumerate(supervisor_ids)
        ]
    )
    assert errors == []
    assert results.count("approved") == 1 and len(results) == 20
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
        assert db.session.scalar(sa.select(Budget.remaining_fen).where(Budget.id == budget_id)) == 99_000
        assert books.check_books() == []


def test_same_request_twenty_times_is_one_approval(fresh_app):
    _budget, [reward_id], [supervisor_id], _staff = _setup(fresh_app, 1, 100_000, 1)
    results = []
    errors = _run_together(
        [
            (
                lambda: _approve_in_own_session(
                    fresh_app, reward_id, supervisor_id, "the-same-key-" + "y" * 10, results
                )
            )
            for _ in range(20)
        ]
    )
    assert errors == [] and results.count("approved") == 1
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1


def test_many_rewards_against_a_small_budget_never_overdraw(fresh_app):
    # 12 rewards of 10 yuan against a 75-yuan budget: exactly 7 fit.
    budget_id, reward_ids, supervisor_ids, _staff = _setup(fresh_app, 12, 7_500, 3)
    results = []
    errors = _run_together(
        [
            (
                lambda rid=rid, i=i: _approve_in_own_session(
                    fresh_app, rid, supervisor_ids[i % 3], f"many-{i:02d}-" + "z" * 12, results
                )
            )
            for i, rid in enumerate(reward_ids)
        ]
    )
    assert errors == []
    assert results.count("approved") == 7 and results.count("over_budget") == 5
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(Budget.remaining_fen).where(Budget.id == budget_id)) == 500
        assert books.check_books() == []


def test_a_claim_code_used_twice_at_once_pays_once(fresh_app):
    _budget, [reward_id], [supervisor_id], staff_id = _setup(fresh_app, 1, 100_000, 1)
    with fresh_app.app_context():
        reward = db.session.get(Reward, reward_id)
        services.approve(reward, db.session.get(User, supervisor_id), "claim-approve-" + "w" * 10)
        code = services.issue_claim_code(reward)
        db.session.commit()
    outcomes = []

    def redeem():
        with fresh_app.app_context():
            try:
                services.redeem(code, "cash", None, db.session.get(User, staff_id))
                db.session.commit()
                outcomes.append("paid")
            except services.RewardError as exc:
                db.session.rollback()
                outcomes.append(exc.code)
            finally:
                db.session.remove()

    assert _run_together([redeem for _ in range(8)]) == []
    assert outcomes.count("paid") == 1 and outcomes.count("bad_code") == 7
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 1
        assert db.session.scalars(sa.select(ClaimCode)).one().used_at is not None
