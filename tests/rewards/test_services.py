"""The reward workflow called directly (services), the redeem page's two steps, and re-verification."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tipboard.extensions import db
from tipboard.moderation import services as queue
from tipboard.permissions import Role
from tipboard.rewards import books, services
from tipboard.rewards.models import Budget, LedgerEntry, Nomination, Payout, Reward
from tipboard.rewards.queue import KIND_LABELS
from tipboard.tips.workflow import TipAction, transition

CODE_INPUT = re.compile(r'<input[^>]*name="code"[^>]*type="text"')


def remaining(m) -> int:
    return db.session.scalar(sa.select(Budget.remaining_fen).where(Budget.id == m["budget"].id))


def rewards_of_tip(tip) -> list[Reward]:
    return db.session.scalars(sa.select(Reward).where(Reward.tip_id == tip.id).order_by(Reward.id)).all()


def reject_then_verify_again(tip, staff) -> None:
    """Rejected, reopened, asked about, and verified again (the only way back to "verified")."""
    transition(tip, TipAction.REJECT, staff)
    transition(tip, TipAction.REOPEN, staff)
    transition(tip, TipAction.ASK, staff)
    transition(tip, TipAction.VERIFY, staff)


# --- rules, nominations, collecting --------------------------------------------------------------------


def test_save_rule_creates_then_updates_and_keeps_the_default_in_range(app_ctx):
    category = CategoryFactory()
    rule = services.save_rule(category.id, True, 500, 1000, 2000)
    assert services.rule_for(category.id) is rule
    services.save_rule(category.id, False, 800, 800, 900)
    assert (rule.rewardable, rule.min_fen, rule.default_fen, rule.max_fen) == (False, 800, 800, 900)
    for low, default, high in ((500, 3000, 2000), (500, 100, 2000), (0, 0, 10)):
        with pytest.raises(services.RewardError, match="bad_range"):
            services.save_rule(category.id, True, low, default, high)
    assert (rule.min_fen, rule.default_fen, rule.max_fen) == (800, 800, 900)


def test_rules_page_refuses_a_default_outside_the_range(client, users, login, app_ctx):
    category = CategoryFactory()
    login(client, users["admin"])
    page = client.post(
        "/rewards/rules",
        data={
            "category_id": category.id,
            "rewardable": "y",
            "minimum": "5",
            "default": "30",
            "maximum": "20",
        },
    )
    assert b"The default must lie between the minimum and the maximum." in page.data
    assert services.rule_for(category.id) is None


def test_nominate_queues_the_nomination_and_keeps_courage_for_staff(app_ctx, users):
    nomination = services.nominate(
        "good_neighbour", "  Grandma Zhou ", "  ", " She checks on her neighbours. ", True, users["resident"]
    )
    assert (nomination.nominee_name, nomination.nominee_contact, nomination.story) == (
        "Grandma Zhou",
        None,
        "She checks on her neighbours.",
    )
    item = queue.item_for("nomination", nomination.id)
    assert item.status == "open" and item.summary == f"{KIND_LABELS['good_neighbour']} · Grandma Zhou"
    with pytest.raises(services.RewardError, match="courage_by_staff"):
        services.nominate(
            "courage", "Mr Li", None, "Pulled a child from the canal.", False, users["resident"]
        )
    with pytest.raises(services.RewardError, match="bad_kind"):
        services.nominate("hazard", "Mr Li", None, "Pulled a child from the canal.", False, users["staff"])
    assert (
        services.nominate(
            "courage", "Mr Li", "138", "Pulled a child from the canal.", False, users["staff"]
        ).kind
        == "courage"
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 2


def test_choose_collect_method_only_for_the_reporter_of_an_approved_reward(setup_money, verified_tip):
    m = setup_money()
    me = UserFactory()
    reward = services.reward_for_tip(
        verified_tip(m["category"], m["staff"], anonymous=False, reporter_id=me.id).id
    )
    with pytest.raises(services.RewardError, match="not_claimable"):
        services.choose_collect_method(reward, me, "bank")  # still only proposed
    services.approve(reward, m["sup1"], "c" * 20)
    with pytest.raises(services.RewardError, match="not_yours"):
        services.choose_collect_method(reward, UserFactory(), "bank")
    with pytest.raises(services.RewardError, match="bad_method"):
        services.choose_collect_method(reward, me, "gold")
    services.choose_collect_method(reward, me, "bank")
    assert reward.collect_method == "bank"


def test_reward_for_claim(setup_money, verified_tip):
    m = setup_money()
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    services.approve(reward, m["sup1"], "d" * 20)
    code = services.issue_claim_code(reward)
    assert services.reward_for_claim(code.lower().replace("-", " ")) is reward
    with pytest.raises(services.RewardError, match="bad_code"):
        services.reward_for_claim("ZZZZZ-ZZZZZ")
    services.issue_claim_code(reward)  # the first code stops working
    with pytest.raises(services.RewardError, match="bad_code"):
        services.reward_for_claim(code)


# --- the redeem page ----------------------------------------------------------------------------------


def test_redeem_without_a_payment_method_shows_the_pay_step_again_with_the_error(
    client, setup_money, verified_tip, login
):
    m = setup_money()
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    services.approve(reward, m["sup1"], "e" * 20)
    code = services.issue_claim_code(reward)
    db.session.commit()
    login(client, m["staff"])
    looked_up = client.post("/rewards/redeem", data={"code": code})
    assert looked_up.status_code == 200 and 'name="step" type="hidden" value="pay"' in looked_up.data.decode()
    # The pay step as the browser sends it when no payment method was chosen.
    response = client.post("/rewards/redeem", data={"code": code, "step": "pay", "reference": "R-1"})
    page = response.data.decode()
    assert response.status_code == 400
    assert "¥10.00" in page and "Paid: record it" in page and 'name="method"' in page
    assert re.search(r'<p class="error" id="method-error">[^<]+</p>', page)
    assert f'name="code" type="hidden" value="{code}"' in page and 'value="R-1"' in page  # nothing lost
    assert not CODE_INPUT.search(page)  # not the code form again
    db.session.refresh(reward)
    assert reward.status == "approved" and services.find_claim(code) is not None
    paid = client.post("/rewards/redeem", data={"code": code, "step": "pay", "method": "cash"})
    assert paid.status_code == 302
    db.session.refresh(reward)
    assert reward.status == "paid" and reward.payout.method == "cash"


def test_redeem_pay_step_with_a_bad_code_goes_back_to_the_code_step(client, users, login):
    login(client, users["staff"])
    response = client.post("/rewards/redeem", data={"code": "ZZZZZ-ZZZZZ", "step": "pay"})
    page = response.data.decode()
    assert response.status_code == 400 and "not valid, or it was already used" in page
    assert CODE_INPUT.search(page) and "Paid: record it" not in page


# --- re-verification ----------------------------------------------------------------------------------


def test_a_tip_rejected_and_verified_again_gets_a_new_proposal(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    first = services.reward_for_tip(tip.id)
    reject_then_verify_again(tip, m["staff"])
    db.session.refresh(first)
    second = services.reward_for_tip(tip.id)
    assert first.status == "cancelled" and queue.item_for("reward", first.id).status == "closed"
    assert second.id != first.id and second.status == "proposed" and second.amount_fen == 1000
    assert queue.item_for("reward", second.id).status == "open"
    assert [r.id for r in rewards_of_tip(tip)] == [first.id, second.id]


def test_an_approved_reward_cancelled_by_rejection_is_proposed_again_and_paid_once(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    first = services.reward_for_tip(tip.id)
    services.approve(first, m["sup1"], "f" * 20)
    assert remaining(m) == 99_000
    reject_then_verify_again(tip, m["staff"])
    assert remaining(m) == 100_000  # the first reservation went back
    second = services.reward_for_tip(tip.id)
    assert services.approve(second, m["sup1"], "g" * 20) == "approved"
    services.redeem(services.issue_claim_code(second), "cash", None, m["staff"])
    # check_books reads the budget rows afresh although they moved by UPDATE statements in this session
    assert books.check_books() == []
    assert remaining(m) == 99_000
    kinds = db.session.scalars(sa.select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
    assert kinds == ["reserve", "release", "reserve", "pay"]
    payouts = db.session.scalars(sa.select(Payout).join(Reward).where(Reward.tip_id == tip.id)).all()
    assert [p.reward_id for p in payouts] == [second.id]


def test_a_paid_reward_is_never_followed_by_another(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    reward = services.reward_for_tip(tip.id)
    services.approve(reward, m["sup1"], "h" * 20)
    services.redeem(services.issue_claim_code(reward), "cash", None, m["staff"])
    reject_then_verify_again(tip, m["staff"])
    db.session.refresh(reward)
    assert reward.status == "paid" and [r.id for r in rewards_of_tip(tip)] == [reward.id]
    assert services.propose_for_tip(tip, m["staff"]) is None


def test_a_reward_rejected_by_a_supervisor_is_not_proposed_again(setup_money, verified_tip):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"])
    reward = services.reward_for_tip(tip.id)
    services.reject(reward, m["sup1"], "i" * 20, "Not a hazard after all")
    reject_then_verify_again(tip, m["staff"])
    assert [r.id for r in rewards_of_tip(tip)] == [reward.id]


def test_the_database_allows_one_live_reward_per_tip(setup_money, app_ctx):
    m = setup_money()
    tip = TipFactory(category=m["category"])

    def reward(status):
        return Reward(
            kind="hazard",
            tip_id=tip.id,
            fund_id=m["fund"].id,
            amount_fen=1000,
            status=status,
            proposed_by_id=m["staff"].id,
        )

    db.session.add_all([reward("cancelled"), reward("cancelled"), reward("paid")])
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(reward("proposed"))
    assert len(rewards_of_tip(tip)) == 3


def test_staff_nominating_for_courage_through_the_page(client, app_ctx, login):
    staff = UserFactory(roles=(Role.STAFF,))
    login(client, staff)
    response = client.post(
        "/rewards/nominate",
        data={
            "kind": "courage",
            "nominee_name": "Mr Li",
            "story": "Pulled a child from the canal last night.",
        },
    )
    assert response.status_code == 302
    nomination = db.session.scalar(sa.select(Nomination))
    assert nomination.kind == "courage" and nomination.nominated_by_id == staff.id
    assert queue.item_for("nomination", nomination.id).summary == "Act of courage award · Mr Li"


def test_a_nominee_name_of_spaces_only_is_refused_not_saved_empty(client, app_ctx, login):
    login(client, UserFactory(roles=(Role.STAFF,)))
    response = client.post(
        "/rewards/nominate",
        data={"kind": "courage", "nominee_name": "   ", "story": "Pulled a child from the canal last night."},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and "This field is required." in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nomination)) == 0
