import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from tests.factories import TipFactory, UserFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.jobs import JOBS
from tipboard.moderation import services as queue
from tipboard.rewards import books, consent, services
from tipboard.rewards.models import (
    Budget,
    ClaimCode,
    LedgerEntry,
    LedgerIsAppendOnly,
    Reward,
)
from tipboard.tips.services import hash_secret
from tipboard.tips.workflow import TipAction, transition


def remaining(m) -> int:
    """The budget's remaining amount as the database has it now."""
    return db.session.scalar(sa.select(Budget.remaining_fen).where(Budget.id == m["budget"].id))


def test_verifying_a_rewardable_tip_proposes_the_default_into_the_queue(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    reward = services.reward_for_tip(tip.id)
    assert (
        reward.amount_fen == 1000 and reward.status == "proposed" and reward.proposed_by_id == m["staff"].id
    )
    assert queue.item_for("reward", reward.id).status == "open"


def test_no_reward_for_unrewardable_or_duplicates(setup_money, app_ctx):
    m = setup_money()
    original = TipFactory(category=m["category"])
    duplicate = TipFactory(category=m["category"], duplicate_of_id=original.id)
    transition(duplicate, TipAction.VERIFY, m["staff"])
    assert services.reward_for_tip(duplicate.id) is None
    other = TipFactory()  # a category without a rule
    transition(other, TipAction.VERIFY, m["staff"])
    assert services.reward_for_tip(other.id) is None


def test_marking_duplicate_cancels_and_releases(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    reward = services.reward_for_tip(tip.id)
    services.approve(reward, m["sup1"], "k" * 20)
    assert remaining(m) == 99_000
    code = services.issue_claim_code(reward)
    tip.duplicate_of_id = TipFactory(category=m["category"]).id
    transition(tip, TipAction.DUPLICATE, m["staff"])
    db.session.refresh(reward)
    assert reward.status == "cancelled"
    assert remaining(m) == 100_000
    assert books.check_books() == []
    assert services.find_claim(code) is None  # the reporter's claim code stops working too


def test_maker_checker(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["sup1"])  # a supervisor proposed it by verifying
    reward = services.reward_for_tip(tip.id)
    with pytest.raises(services.RewardError, match="own_proposal"):
        services.approve(reward, m["sup1"], "a" * 20)
    with pytest.raises(services.RewardError, match="not_supervisor"):
        services.approve(reward, m["staff"], "b" * 20)
    assert services.approve(reward, m["sup2"], "c" * 20) == "approved"


def test_a_supervisor_cannot_approve_a_reward_paid_to_themselves(setup_money, verified_tip):
    m = setup_money()
    reward = services.reward_for_tip(
        verified_tip(m["category"], m["staff"], anonymous=False, reporter_id=m["sup1"].id).id
    )
    with pytest.raises(services.RewardError, match="own_reward"):
        services.approve(reward, m["sup1"], "q" * 20)
    assert services.approve(reward, m["sup2"], "r" * 20) == "approved"


def test_amount_changes_stay_in_range_with_reason(setup_money, verified_tip):
    m = setup_money()
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    with pytest.raises(services.RewardError, match="out_of_range"):
        services.change_amount(reward, 5000, "brave", m["staff"])
    with pytest.raises(services.RewardError, match="reason_required"):
        services.change_amount(reward, 1500, " ", m["staff"])
    assert services.change_amount(reward, 1500, "two hazards in one", m["staff"]) == (1000, 1500)


def test_above_threshold_needs_two_supervisors(setup_money, verified_tip, app):
    app.config["REWARD_TWO_APPROVER_THRESHOLD_FEN"] = 1200
    try:
        m = setup_money()
        reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
        services.change_amount(reward, 1500, "bigger hazard", m["staff"])
        assert services.approve(reward, m["sup1"], "d" * 20) == "needs_second"
        assert services.approve(reward, m["sup1"], "d" * 20) == "repeat"
        with pytest.raises(services.RewardError, match="already_approved_by_you"):
            services.approve(reward, m["sup1"], "e" * 20)
        assert reward.status == "proposed"
        assert services.approve(reward, m["sup2"], "f" * 20) == "approved"
        assert remaining(m) == 100_000 - 1500
    finally:
        app.config["REWARD_TWO_APPROVER_THRESHOLD_FEN"] = 10_000


def test_over_budget_is_refused_and_nothing_changes(setup_money, verified_tip):
    m = setup_money(budget_fen=1500)
    first = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    second = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    services.approve(first, m["sup1"], "g" * 20)
    db.session.commit()
    with pytest.raises(services.RewardError, match="over_budget"):
        services.approve(second, m["sup1"], "h" * 20)
    db.session.rollback()
    db.session.refresh(second)
    assert second.status == "proposed" and second.budget_id is None
    assert remaining(m) == 500
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1


def test_supervisor_approves_through_the_queue_with_an_idempotency_key(
    client, setup_money, verified_tip, login
):
    m = setup_money()
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    item = queue.item_for("reward", reward.id)
    db.session.commit()
    login(client, m["sup1"])
    page = client.get(f"/moderation/item/{item.id}").data.decode()
    key = re.search(r'name="approve-idempotency_key" type="hidden" value="([^"]+)"', page).group(1)
    for _ in range(3):  # a double click and a retry
        assert (
            client.post(
                f"/moderation/item/{item.id}/act/approve", data={"approve-idempotency_key": key}
            ).status_code
            == 302
        )
    db.session.refresh(reward)
    assert reward.status == "approved"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
    assert remaining(m) == 99_000


def test_anonymous_tipster_claims_and_staff_redeem_once(client, app, setup_money, verified_tip, login):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"], secret_hash=hash_secret("SECR-ETSE-CRET"))
    reward = services.reward_for_tip(tip.id)
    services.approve(reward, m["sup1"], "i" * 20)
    db.session.commit()
    client.post("/tips/track", data={"code": tip.tracking_code, "secret": "SECR-ETSE-CRET"})
    page = client.get(f"/tips/track/{tip.tracking_code}").data.decode()
    assert "¥10.00" in page and "Get a claim code" in page
    response = client.post(f"/rewards/claim/{tip.tracking_code}")
    assert response.headers["Location"].endswith("/rewards/claim-code")
    shown = client.get("/rewards/claim-code")
    code = re.search(r'id="claim-code">([^<]+)<', shown.data.decode()).group(1)
    assert shown.headers["Cache-Control"] == "no-store" and "<svg" in shown.data.decode()
    assert code not in str(db.session.scalars(sa.select(ClaimCode.code_hash)).all())

    desk = app.test_client()
    desk.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(desk, m["staff"])
    looked_up = desk.post("/rewards/redeem", data={"code": code.lower()})
    assert looked_up.status_code == 200 and "¥10.00" in looked_up.data.decode()
    paid = desk.post("/rewards/redeem", data={"code": code, "method": "cash"})
    assert paid.status_code == 302
    again = desk.post("/rewards/redeem", data={"code": code, "method": "cash"})
    assert again.status_code == 400 and b"already used" in again.data
    db.session.refresh(reward)
    assert reward.status == "paid" and reward.payout.method == "cash"
    kinds = db.session.scalars(sa.select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
    assert kinds == ["reserve", "pay"] and books.check_books() == []


def test_claim_needs_the_reporter_and_a_transfer_needs_a_reference(client, setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    services.approve(services.reward_for_tip(tip.id), m["sup1"], "j" * 20)
    db.session.commit()
    assert client.post(f"/rewards/claim/{tip.tracking_code}").status_code == 403
    named = verified_tip(m["category"], m["staff"], anonymous=False, reporter=UserFactory())
    services.approve(services.reward_for_tip(named.id), m["sup1"], "J" * 20)
    with pytest.raises(services.RewardError, match="reference_required"):
        services.pay(services.reward_for_tip(named.id), "bank", "", m["staff"])


def test_named_resident_sees_own_rewards_only(client, setup_money, verified_tip, login):
    m = setup_money()
    me, other = UserFactory(), UserFactory()
    mine = verified_tip(m["category"], m["staff"], anonymous=False, reporter_id=me.id)
    theirs = verified_tip(m["category"], m["staff"], anonymous=False, reporter_id=other.id)
    for tip, key in ((mine, "k1" * 10), (theirs, "k2" * 10)):
        services.approve(services.reward_for_tip(tip.id), m["sup1"], key)
    db.session.commit()
    login(client, me)
    page = client.get("/rewards/mine").data.decode()
    assert mine.category.name_en in page and page.count('class="card"') == 1
    their_reward = services.reward_for_tip(theirs.id)
    assert client.post(f"/rewards/{their_reward.id}/collect", data={"method": "bank"}).status_code == 404
    my_reward = services.reward_for_tip(mine.id)
    client.post(f"/rewards/{my_reward.id}/collect", data={"method": "wallet"})
    db.session.refresh(my_reward)
    assert my_reward.collect_method == "wallet"
    from tipboard.outbox import OutboxMessage

    assert (
        db.session.scalar(sa.select(OutboxMessage.key).where(OutboxMessage.user_id == me.id))
        == "rewards.approved"
    )


def test_expiry_releases_exactly_the_reserved_amount(setup_money, verified_tip):
    m = setup_money()
    rewards = [services.reward_for_tip(verified_tip(m["category"], m["staff"]).id) for _ in range(2)]
    for i, reward in enumerate(rewards):
        services.approve(reward, m["sup1"], f"{i}" * 20)
    services.issue_claim_code(rewards[0])
    rewards[0].expires_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()
    assert remaining(m) == 98_000
    assert JOBS["rewards.expire"].func() == 1
    assert JOBS["rewards.expire"].func() == 0  # once per day
    db.session.refresh(rewards[0])
    assert rewards[0].status == "expired" and remaining(m) == 99_000
    [expire] = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.kind == "expire")).all()
    assert expire.amount_fen == 1000 and books.check_books() == []
    assert db.session.scalars(sa.select(ClaimCode)).one().revoked_at is not None


def test_ledger_is_append_only(setup_money, verified_tip):
    m = setup_money()
    services.approve(services.reward_for_tip(verified_tip(m["category"], m["staff"]).id), m["sup1"], "l" * 20)
    entry = db.session.scalars(sa.select(LedgerEntry)).one()
    entry.amount_fen = 1
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_books_check_catches_a_tampered_budget(setup_money, verified_tip, runner):
    m = setup_money()
    services.approve(services.reward_for_tip(verified_tip(m["category"], m["staff"]).id), m["sup1"], "m" * 20)
    db.session.commit()
    assert runner.invoke(args=["tipboard", "check-books"]).exit_code == 0
    db.session.execute(sa.update(Budget).values(remaining_fen=Budget.remaining_fen + 1))
    db.session.commit()
    result = runner.invoke(args=["tipboard", "check-books"])
    # in English like the command's other output, the amounts as money
    assert result.exit_code == 1 and "¥990.01" in result.output and "¥990.00" in result.output
    assert "the ledger says" in result.output


def test_csv_totals_equal_the_ledger_and_statement(client, setup_money, verified_tip, login):
    m = setup_money()
    for i in range(3):
        reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
        services.approve(reward, m["sup1"], f"n{i}" * 10)
        if i < 2:
            services.redeem(services.issue_claim_code(reward), "cash", None, m["staff"])
    db.session.commit()
    login(client, m["sup1"])
    today = dt.date.today()
    response = client.get(
        f"/rewards/ledger.csv?from={today - dt.timedelta(days=1)}&to={today + dt.timedelta(days=1)}"
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    ledger_total = db.session.scalar(sa.select(sa.func.sum(LedgerEntry.amount_fen)))
    assert sum(int(r["amount_fen"]) for r in rows) == ledger_total == 5 * 1000
    assert [r["kind"] for r in rows].count("pay") == 2
    statement = client.get(f"/rewards/statement?month={today:%Y-%m}").data.decode()
    assert "2 payouts" in statement and "¥20.00" in statement and "¥970.00 left of ¥1000.00" in statement
    assert client.get("/rewards/ledger.csv?from=x&to=y").status_code == 400
    assert client.get("/rewards/statement?month=2026-13").status_code == 400


def test_ledger_export_period_is_station_dates_and_bad_periods_are_400(
    client, setup_money, verified_tip, login
):
    from tipboard.timezones import to_local

    m = setup_money()
    services.approve(services.reward_for_tip(verified_tip(m["category"], m["staff"]).id), m["sup1"], "x" * 10)
    db.session.commit()
    login(client, m["sup1"])
    entry = db.session.scalar(sa.select(LedgerEntry))
    day = to_local(entry.created_at).date()
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/rewards/ledger.csv?from={day}&to={day}").data.decode("utf-8-sig"))
        )
    )
    assert [int(r["id"]) for r in rows] == [entry.id]
    before = day - dt.timedelta(days=1)
    assert "amount_fen" in client.get(f"/rewards/ledger.csv?from={before}&to={before}").data.decode()
    assert (
        str(entry.id)
        not in client.get(f"/rewards/ledger.csv?from={before}&to={before}").data.decode().splitlines()[1:]
    )
    mixed = client.get("/rewards/ledger.csv?from=2026-01-01&to=2026-01-02T00:00%2B08:00")
    assert mixed.status_code == 400 and b"YYYY-MM-DD" in mixed.data
    backwards = client.get("/rewards/ledger.csv?from=2026-02-01&to=2026-01-01")
    assert backwards.status_code == 400 and b"ends before it starts" in backwards.data


def test_nomination_through_the_queue_to_the_honour_board(client, app, setup_money, login):
    from tests.rewards.factories import BudgetFactory, FundFactory
    from tipboard.timezones import local_now

    m = setup_money()
    BudgetFactory(
        fund=FundFactory(code="good_neighbour", name_en="Good", name_zh="好"),
        period=local_now().strftime("%Y"),
        amount_fen=50_000,
    )
    resident = UserFactory()
    login(client, resident)
    response = client.post(
        "/rewards/nominate",
        data={
            "kind": "good_neighbour",
            "nominee_name": "Grandma Zhou",
            "public_consent": "y",
            "story": "She checks on the three elderly neighbours on her floor every morning.",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(
            "/rewards/nominate", data={"kind": "courage", "nominee_name": "X", "story": "x" * 30}
        ).status_code
        == 400
    )  # staff only
    nomination_item = db.session.scalar(
        sa.select(queue.QueueItem).where(queue.QueueItem.kind == "nomination")
    )
    staff_client = app.test_client()
    login(staff_client, m["staff"])
    staff_client.post(f"/moderation/item/{nomination_item.id}/act/accept", data={"accept-amount": "200"})
    reward = db.session.scalar(sa.select(Reward).where(Reward.kind == "good_neighbour"))
    assert reward.amount_fen == 20_000 and reward.approvals_needed == 2  # above the 100-yuan threshold
    assert services.approve(reward, m["sup1"], "o" * 20) == "needs_second"
    assert services.approve(reward, m["sup2"], "p" * 20) == "approved"
    db.session.commit()
    assert b"Grandma Zhou" not in client.get("/rewards/honour").data  # until she says yes herself
    consent.answer_consent(consent.issue_consent_code(reward.nomination), True)
    db.session.commit()
    assert b"Grandma Zhou" in client.get("/rewards/honour").data


@pytest.mark.parametrize("role", ["resident", "volunteer", "leader"])
def test_lower_roles_are_refused(client, users, login, role):
    login(client, users[role])
    for path in (
        "/rewards/",
        "/rewards/budgets",
        "/rewards/rules",
        "/rewards/redeem",
        "/rewards/statement",
        "/rewards/ledger.csv?from=2026-01-01&to=2026-02-01",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post("/rewards/1/pay", data={"method": "cash"}).status_code == 403


def test_staff_are_refused_supervisor_pages(client, users, login):
    login(client, users["staff"])
    assert client.get("/rewards/budgets").status_code == 403
    assert client.get("/rewards/rules").status_code == 403
    assert client.get("/rewards/redeem").status_code == 200


def test_budget_and_rule_pages(client, users, login, app_ctx):
    from tests.factories import CategoryFactory
    from tests.rewards.factories import FundFactory

    fund = FundFactory(code="hazard")
    category = CategoryFactory()
    login(client, users["admin"])
    assert (
        client.post(
            "/rewards/budgets", data={"fund": str(fund.id), "period": "2031-02", "amount": "1500.50"}
        ).status_code
        == 302
    )
    assert db.session.scalar(sa.select(Budget.amount_fen).where(Budget.period == "2031-02")) == 150_050
    assert (
        client.post(
            "/rewards/budgets", data={"fund": str(fund.id), "period": "2031-13", "amount": "1"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/rewards/budgets", data={"fund": str(fund.id), "period": "2031-03", "amount": "-5"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/rewards/rules",
            data={
                "category_id": category.id,
                "rewardable": "y",
                "minimum": "5",
                "default": "10",
                "maximum": "20",
            },
        ).status_code
        == 302
    )
    assert services.rule_for(category.id).default_fen == 1000
    assert (
        client.post(
            "/rewards/rules",
            data={"category_id": 99999, "rewardable": "y", "minimum": "5", "default": "10", "maximum": "20"},
        ).status_code
        == 404
    )


def test_a_second_budget_for_the_same_fund_and_period_is_refused(setup_money):
    m = setup_money()
    fund_id = m["fund"].id
    services.create_budget(fund_id, "2032-05", 1000)
    with pytest.raises(services.RewardError, match="budget_exists"):
        services.create_budget(fund_id, "2032-05", 2000)
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Budget).where(Budget.period == "2032-05"))
        == 1
    )


@pytest.mark.parametrize(
    "url",
    [
        "/rewards/ledger.csv?from=9999-12-31&to=9999-12-31",
        "/rewards/ledger.csv?from=0001-01-01&to=0001-01-02",
        "/rewards/statement?month=9999-12",
        "/rewards/statement?month=0001-01",
    ],
)
def test_a_period_at_the_calendars_edge_is_a_400_not_a_500(client, setup_money, login, url):
    login(client, setup_money()["sup1"])
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert (
        b"YYYY-MM-DD" in response.data
        if "ledger" in url
        else b"No statement can be made for that month." in response.data
    )
