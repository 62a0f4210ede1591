"""Issue 17's money and consent promises: an anonymous reward is paid only against its claim code,
whoever sets an amount never approves it, an award can always reach its approvers, and nobody is on
the honour board without saying yes themselves."""

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.rewards import services
from tipboard.rewards.models import LedgerEntry, Payout

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
