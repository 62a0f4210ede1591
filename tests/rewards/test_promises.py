"""Issue 17's money and consent promises: an anonymous reward is paid only against its claim code,
whoever sets an amount never approves it, an award can always reach its approvers, and nobody is on
the honour board without saying yes themselves."""

import re

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tests.rewards.factories import BudgetFactory, FundFactory
from tipboard.auth.models import User
from tipboard.demo import DEMO_ACCOUNTS, load_demo
from tipboard.extensions import db
from tipboard.moderation import services as queue
from tipboard.permissions import Role
from tipboard.rewards import consent, services
from tipboard.rewards.models import LedgerEntry, Nomination, Payout, Reward
from tipboard.timezones import local_now

# --- 12: an anonymous tipster's reward is paid only through its claim code --------------------------


def test_staff_cannot_mark_an_anonymous_reward_paid_without_its_claim_code(
    client, setup_money, verified_tip, login
):
    m = setup_money()
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    services.approve(reward, m["sup1"], "p" * 20)
    db.session.commit()
    login(client, m["staff"])
    response = client.post(f"/rewards/{reward.id}/pay", data={"method": "cash"}, follow_redirects=True)
    assert "Recorded as paid" not in response.data.decode()
    assert "claim code" in response.data.decode()
    db.session.refresh(reward)
    assert reward.status == "approved" and reward.payout is None
    with pytest.raises(services.RewardError, match="claim_code_required"):
        services.pay(reward, "cash", None, m["staff"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 0
    assert db.session.scalars(sa.select(LedgerEntry.kind)).all() == ["reserve"]
    services.redeem(services.issue_claim_code(reward), "cash", None, m["staff"])  # the code still pays
    assert reward.status == "paid"


def test_a_named_residents_reward_is_still_paid_at_the_desk(client, setup_money, verified_tip, login):
    m = setup_money()
    tip = verified_tip(m["category"], m["staff"], anonymous=False, reporter=UserFactory())
    reward = services.reward_for_tip(tip.id)
    services.approve(reward, m["sup1"], "q" * 20)
    db.session.commit()
    login(client, m["staff"])
    response = client.post(f"/rewards/{reward.id}/pay", data={"method": "cash"}, follow_redirects=True)
    assert "Recorded as paid" in response.data.decode()
    db.session.refresh(reward)
    assert reward.status == "paid"


# --- 13: whoever sets or changes an amount is a maker and cannot approve it ---------------------------


def _item_page(client, reward) -> str:
    return client.get(f"/moderation/item/{queue.item_for('reward', reward.id).id}").data.decode()


def test_a_supervisor_who_changed_the_amount_cannot_approve_it_alone(
    client, setup_money, verified_tip, login
):
    m = setup_money(default_fen=1000)
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)  # staff proposed 10 yuan
    item = queue.item_for("reward", reward.id)
    db.session.commit()
    login(client, m["sup1"])
    assert 'name="approve-idempotency_key"' in _item_page(client, reward)
    client.post(
        f"/moderation/item/{item.id}/act/change_amount",
        data={"change_amount-amount": "20", "change_amount-reason": "a second hazard on the same stair"},
    )
    db.session.refresh(reward)
    assert reward.amount_fen == 2000 and reward.approvals_needed == 1
    page = _item_page(client, reward)
    assert 'name="approve-idempotency_key"' not in page  # the button is not offered to a maker
    assert "changed the amount from ¥10.00 to ¥20.00" in page
    client.post(f"/moderation/item/{item.id}/act/approve", data={"approve-idempotency_key": "z" * 24})
    db.session.refresh(reward)
    assert reward.status == "proposed" and reward.approvals == []
    with pytest.raises(services.RewardError, match="own_amount"):
        services.approve(reward, m["sup1"], "y" * 20)
    assert services.makers(reward) == {m["staff"].id, m["sup1"].id}
    assert services.approve(reward, m["sup2"], "x" * 20) == "approved"


def test_a_change_clears_earlier_approvals(setup_money, verified_tip, app):
    app.config["REWARD_TWO_APPROVER_THRESHOLD_FEN"] = 1200
    try:
        m = setup_money(default_fen=1500)
        sup3 = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR))
        reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
        assert reward.approvals_needed == 2
        assert services.approve(reward, m["sup1"], "a" * 20) == "needs_second"
        services.change_amount(reward, 2000, "worse than it looked", m["staff"])
        # sup1 approved 15 yuan, not 20: one more approval is not enough
        assert services.approve(reward, m["sup2"], "b" * 20) == "needs_second"
        assert reward.status == "proposed"
        assert services.approve(reward, m["sup1"], "c" * 20) == "approved"  # sup1 now approves 20 yuan
        assert reward.amount_fen == 2000
        # a change after approval is refused: the money is already reserved
        with pytest.raises(services.RewardError, match="not_changeable"):
            services.change_amount(reward, 1500, "less", sup3)
    finally:
        app.config["REWARD_TWO_APPROVER_THRESHOLD_FEN"] = 10_000


# --- 14: an award needing two approvers never silently gets stuck -----------------------------------


def _award_budget():
    BudgetFactory(
        fund=FundFactory(code="good_neighbour", name_en="Good", name_zh="好"),
        period=local_now().strftime("%Y"),
        amount_fen=100_000,
    )


def _nomination(by) -> Nomination:
    return services.nominate(
        "good_neighbour",
        "Grandma Zhou",
        None,
        "She checks on her neighbours every single morning.",
        False,
        by,
    )


def test_proposing_says_when_too_few_supervisors_can_approve(client, setup_money, login):
    m = setup_money()
    _award_budget()
    nomination = _nomination(UserFactory())
    item = queue.item_for("nomination", nomination.id)
    db.session.commit()
    login(client, m["sup1"])  # sup1 sets the amount, so only sup2 is left to approve two approvals
    page = client.post(
        f"/moderation/item/{item.id}/act/accept", data={"accept-amount": "200"}, follow_redirects=True
    ).data.decode()
    assert "Not enough supervisors can approve this" in page and "1 more" in page
    reward = db.session.scalar(sa.select(Reward).where(Reward.nomination_id == nomination.id))
    assert reward.approvals_needed == 2 and services.approvers_missing(reward) == 1
    assert "Not enough supervisors can approve this" in _item_page(client, reward)
    assert 'name="approve-idempotency_key"' not in _item_page(client, reward)
    sup_client = client.application.test_client()
    login(sup_client, m["sup2"])
    assert 'name="approve-idempotency_key"' in _item_page(sup_client, reward)
    # a third supervisor joins: the award can go the whole way
    sup3 = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR))
    assert services.approvers_missing(reward) == 0
    assert services.approve(reward, m["sup2"], "s" * 20) == "needs_second"
    assert services.approve(reward, sup3, "t" * 20) == "approved"


def test_staff_proposing_with_enough_supervisors_gets_no_warning(setup_money):
    m = setup_money()
    _award_budget()
    reward = services.propose_award(_nomination(UserFactory()), 20_000, m["staff"])
    assert services.approvers_missing(reward) == 0
    UserFactory(roles=(Role.STAFF, Role.SUPERVISOR), active=False)  # an inactive supervisor counts for nobody
    services.change_amount(reward, 30_000, "more", m["sup1"])
    assert services.approvers_missing(reward) == 1


def test_the_demo_has_enough_supervisors_to_walk_the_whole_path(app_ctx, runner):
    load_demo()
    assert "supervisor2" in DEMO_ACCOUNTS
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    staff, supervisor = users["staff"], users["supervisor"]
    reward = services.propose_award(_nomination(staff), 20_000, staff)  # needs two approvals
    assert services.approvers_missing(reward) == 0
    services.change_amount(reward, 25_000, "a supervisor raises it", supervisor)
    assert services.approvers_missing(reward) == 0  # admin and supervisor2 are left
    assert services.approve(reward, users["supervisor2"], "u" * 20) == "needs_second"
    assert services.approve(reward, users["admin"], "v" * 20) == "approved"


# --- 9: the honoured person consents themselves -------------------------------------------------------


def _consent_code(staff_client, nomination) -> str:
    page = staff_client.get("/rewards/?status=approved").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"csrf_token": token.group(1)} if token else {}
    response = staff_client.post(f"/rewards/nominations/{nomination.id}/consent-code", data=data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return re.search(r'id="consent-code">([^<]+)<', response.data.decode()).group(1)


def test_nobody_is_on_the_honour_board_until_they_consent_themselves(client, app, setup_money, login):
    m = setup_money()
    _award_budget()
    nominator = UserFactory()
    login(client, nominator)
    client.post(
        "/rewards/nominate",
        data={
            "kind": "good_neighbour",
            "nominee_name": "Grandma Zhou",
            "public_consent": "y",  # the nominator's tick: at most a record that they asked
            "story": "She checks on the three elderly neighbours on her floor every morning.",
        },
    )
    nomination = db.session.scalar(sa.select(Nomination))
    assert nomination.public_consent and nomination.consented_at is None
    reward = services.propose_award(nomination, 5000, m["staff"])
    assert services.approve(reward, m["sup1"], "h" * 20) == "approved"
    db.session.commit()
    public = app.test_client()
    assert "Grandma Zhou" not in public.get("/rewards/honour").data.decode()

    # the nominator cannot fetch a consent code, nor answer with a guess, nor with the real code
    assert client.post(f"/rewards/nominations/{nomination.id}/consent-code").status_code == 403
    guessed = client.post("/rewards/consent", data={"code": "AAAAA-AAAAA", "answer": "yes"})
    assert guessed.status_code == 400
    staff_client = app.test_client()
    login(staff_client, m["staff"])
    code = _consent_code(staff_client, nomination)
    refused = client.post("/rewards/consent", data={"code": code, "answer": "yes"})
    assert refused.status_code == 400 and "they must answer for themselves" in refused.data.decode()
    db.session.refresh(nomination)
    assert nomination.consented_at is None
    assert "Grandma Zhou" not in public.get("/rewards/honour").data.decode()

    # the nominee, with the code the station gave them, sees what would be shown and says yes
    nominee = app.test_client()
    shown = nominee.post("/rewards/consent", data={"code": code.lower()})
    assert shown.status_code == 200 and "three elderly neighbours" in shown.data.decode()
    assert nominee.post("/rewards/consent", data={"code": code, "answer": "yes"}).status_code == 302
    assert "Grandma Zhou" in public.get("/rewards/honour").data.decode()
    # and can take it back
    assert nominee.post("/rewards/consent", data={"code": code, "answer": "no"}).status_code == 302
    assert "Grandma Zhou" not in public.get("/rewards/honour").data.decode()
    # a new code cancels the old one
    _consent_code(staff_client, nomination)
    assert nominee.post("/rewards/consent", data={"code": code, "answer": "yes"}).status_code == 400


def test_consent_service_refuses_the_nominator_and_unknown_codes(setup_money):
    m = setup_money()
    nomination = _nomination(m["staff"])
    code = consent.issue_consent_code(nomination)
    with pytest.raises(services.RewardError, match="not_for_nominator"):
        consent.answer_consent(code, True, m["staff"])
    for bad in ("", "   ", "ZZZZZ-ZZZZZ"):
        with pytest.raises(services.RewardError, match="bad_code"):
            consent.answer_consent(bad, True, None)
    assert consent.answer_consent(code, True, None).consented_at is not None


def test_an_approval_from_a_page_drawn_before_an_amount_change_is_refused(
    client, setup_money, verified_tip, login
):
    m = setup_money()
    reward = services.reward_for_tip(verified_tip(m["category"], m["staff"]).id)
    item = queue.item_for("reward", reward.id)
    db.session.commit()
    login(client, m["sup2"])
    page = _item_page(client, reward)
    form = {
        name: re.search(rf'name="approve-{name}" type="hidden" value="([^"]*)"', page).group(1)
        for name in ("idempotency_key", "amount_version")
    }
    assert form["amount_version"] == "0"
    services.change_amount(reward, 2000, "a second hazard", m["staff"])  # while sup2 reads the page
    db.session.commit()
    response = client.post(
        f"/moderation/item/{item.id}/act/approve",
        data={f"approve-{k}": v for k, v in form.items()},
        follow_redirects=True,
    )
    assert "The amount changed since you opened this page" in response.data.decode()
    db.session.refresh(reward)
    assert reward.status == "proposed" and reward.approvals == []
    fresh = _item_page(client, reward)
    key = re.search(r'name="approve-idempotency_key" type="hidden" value="([^"]*)"', fresh).group(1)
    client.post(
        f"/moderation/item/{item.id}/act/approve",
        data={"approve-idempotency_key": key, "approve-amount_version": "1"},
    )
    db.session.refresh(reward)
    assert reward.status == "approved" and reward.amount_fen == 2000
