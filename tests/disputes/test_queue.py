"""Triage in the moderation queue: accept, refer, decline, flag a risk; who may."""

from __future__ import annotations

import sqlalchemy as sa

from tests.disputes.conftest import english, keys_for
from tests.queuelines import queue_lines
from tipboard.disputes.models import CaseStatus, Side
from tipboard.extensions import db
from tipboard.moderation.models import QueueItem
from tipboard.moderation.services import item_for


def test_a_risk_flag_puts_the_case_in_front(world):
    calm = world.case()
    risky = world.case(risk=True)
    assert item_for("dispute", risky.id).priority > item_for("dispute", calm.id).priority


def test_staff_flag_a_risk_from_the_queue(app, world, login):
    case = world.case()
    item = item_for("dispute", case.id)
    staff = login(english(app), world.staff)
    staff.post(f"/moderation/item/{item.id}/act/risk", data={"risk-reason": "He threatened her."})
    db.session.expire_all()
    assert case.risk and item_for("dispute", case.id).priority == 100
    assert item_for("dispute", case.id).status == "open"


def test_refer_and_decline_tell_the_applicant_with_the_reason(app, world, login):
    staff = login(english(app), world.staff)
    referred, declined = world.case(), world.case()
    staff.post(
        f"/moderation/item/{item_for('dispute', referred.id).id}/act/refer",
        data={"refer-where": "labour", "refer-reason": "Unpaid wages go to the labour bureau."},
    )
    staff.post(
        f"/moderation/item/{item_for('dispute', declined.id).id}/act/decline",
        data={"decline-reason": "Not a dispute."},
    )
    db.session.expire_all()
    assert referred.status == CaseStatus.REFERRED.value and "labour bureau" in referred.reason
    assert declined.status == CaseStatus.DECLINED.value and declined.reason == "Not a dispute."
    assert {"disputes.referred", "disputes.declined"} <= set(keys_for(world.applicant))


def test_a_decided_case_cannot_be_accepted_again(app, world, login):
    case = world.case("accepted")
    item = item_for("dispute", case.id)
    item.status = "open"
    db.session.commit()
    staff = login(english(app), world.staff)
    response = staff.post(f"/moderation/item/{item.id}/act/accept", data={"accept-lead": world.mediator.id})
    assert response.status_code in (302, 303, 404)
    db.session.expire_all()
    assert case.status == CaseStatus.ACCEPTED.value


def test_the_lead_must_be_a_mediator_or_an_officer(app, world, login):
    case = world.case()
    staff = login(english(app), world.staff)
    staff.post(
        f"/moderation/item/{item_for('dispute', case.id).id}/act/accept",
        data={"accept-lead": world.applicant.id},
    )
    db.session.expire_all()
    assert case.status == CaseStatus.RECEIVED.value


def test_the_other_side_with_an_account_is_invited_through_the_outbox(world):
    case = world.case("accepted")
    assert "disputes.invited" in keys_for(world.other)
    assert case.party(Side.OTHER).user_id == world.other.id


def test_residents_mediators_and_partners_cannot_triage(app, world, login):
    case = world.case()
    item = item_for("dispute", case.id)
    for user in (world.applicant, world.mediator, world.partner, world.lawyer):
        client = login(english(app), user)
        assert client.get(f"/moderation/item/{item.id}").status_code == 403
        assert (
            client.post(
                f"/moderation/item/{item.id}/act/accept", data={"accept-lead": world.mediator.id}
            ).status_code
            == 403
        )
    db.session.expire_all()
    assert case.status == CaseStatus.RECEIVED.value


def test_the_queue_line_reads_in_both_languages(client, world, login):
    case = world.case()
    login(client, world.staff)
    item_id = db.session.scalar(
        sa.select(QueueItem.id).where(QueueItem.kind == "dispute", QueueItem.subject_id == case.id)
    )
    assert "Noise" in queue_lines(client, world.staff, "en")[item_id]
    assert "噪音" in queue_lines(client, world.staff, "zh_Hans")[item_id]
