"""Migration 0007 on a database that already holds rewards with ledger entries pointing at them
(SQLite rebuilds the reward table, which must not trip the foreign keys or lose a row)."""

import sqlalchemy as sa

from tipboard.extensions import db


def test_0007_keeps_rewards_and_the_rows_that_point_at_them(fresh_app):
    from flask_migrate import downgrade, upgrade

    from tests.factories import TipFactory, UserFactory
    from tests.rewards.factories import BudgetFactory, FundFactory

    with fresh_app.app_context():
        # The tip and the account are made with today's models, before going back to 0006 (the
        # later migrations that change their tables keep their rows).
        tip, user = TipFactory(), UserFactory()
        db.session.commit()
        tip_id, user_id = tip.id, user.id
        db.session.remove()
        downgrade(revision="0006")
        budget = BudgetFactory(fund=FundFactory(code="hazard"), period="2031-01")
        db.session.flush()
        db.session.execute(
            sa.text(
                "INSERT INTO reward (kind, tip_id, fund_id, budget_id, amount_fen, currency, status, proposed_by_id,"
                " approvals_needed, created_at, updated_at) VALUES ('hazard', :tip, :fund, :budget, 1000, 'CNY',"
                " 'cancelled', :user, 1, :now, :now)"
            ),
            {
                "tip": tip_id,
                "fund": budget.fund_id,
                "budget": budget.id,
                "user": user_id,
                "now": budget.created_at,
            },
        )
        reward_id = db.session.scalar(sa.text("SELECT id FROM reward"))
        ids = {"tip": tip_id, "fund": budget.fund_id, "user": user.id}
        db.session.execute(
            sa.text(
                "INSERT INTO ledger_entry (budget_id, reward_id, kind, amount_fen, created_at)"
                " VALUES (:budget, :reward, 'reserve', 1000, :now)"
            ),
            {"budget": budget.id, "reward": reward_id, "now": budget.created_at},
        )
        db.session.commit()
        db.session.remove()
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, status FROM reward")).all() == [(reward_id, "cancelled")]
            assert conn.execute(sa.text("SELECT reward_id FROM ledger_entry")).scalars().all() == [reward_id]
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # The old reward is cancelled, so the tip may get a new live one; not a second live one.
        with db.engine.begin() as conn:
            insert = sa.text(
                "INSERT INTO reward (kind, tip_id, fund_id, amount_fen, currency, status, proposed_by_id,"
                " approvals_needed, created_at, updated_at) VALUES ('hazard', :tip, :fund, 1000, 'CNY',"
                " 'proposed', :user, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
            conn.execute(insert, ids)
        try:
            with db.engine.begin() as conn:
                conn.execute(insert, ids)
        except sa.exc.IntegrityError:
            pass
        else:
            raise AssertionError("a second live reward for one tip was accepted")
