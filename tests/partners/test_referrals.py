"""Referral of a tip to a partner: the partner sees only its own, closes it, the station confirms,
and the reporter's follow-up question goes out."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from tests.factories import UserFactory
from tests.images import png
from tests.queuelines import queue_lines
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation.models import AuditEntry, ItemStatus
from tipboard.moderation.services import item_for
from tipboard.partners import referrals
from tipboard.partners.models import Referral, ReferralStatus
from tipboard.permissions import Role
from tipboard.timezones import local_now
from tipboard.tips.followup import answer_followup, ask_due_followups, open_followup
from tipboard.tips.models import TipStatus


def act(client, item, action, **data):
    return client.post(
        f"/moderation/item/{item.id}/act/{action}", data={f"{action}-{k}": v for k, v in data.items()}
    )


def _refer(client, tip, org, days=3):
    due = (local_now().date() + dt.timedelta(days=days)).isoformat()
    return act(
        client,
        item_for("tip", tip.id),
        "refer",
        organisation=str(org.id),
        note="Replace the lamp",
        due_on=due,
    )


def test_a_street_light_goes_to_the_property_manager_who_closes_it_and_the_reporter_answers(
    client, login, street_light, property_manager, app
):
    tip, reporter = street_light
    org, member, _outsider = property_manager
    staff = UserFactory(roles=(Role.STAFF,))
    login(client, staff)
    item_page = client.get(f"/moderation/item/{item_for('tip', tip.id).id}").data.decode()
    assert "Refer to a partner" in item_page and "Test Property Co" in item_page
    assert _refer(client, tip, org).status_code == 302
    referral = db.session.scalar(sa.select(Referral).where(Referral.tip_id == tip.id))
    assert referral.organisation_id == org.id and referral.status == ReferralStatus.OPEN.value
    assert item_for("tip", tip.id).status == ItemStatus.WAITING.value
    ref_item = item_for(referrals.KIND, referral.id)
    assert ref_item.status == ItemStatus.WAITING.value

    partner_client = app.test_client()
    login(partner_client, member)
    page = partner_client.get("/partners/referrals")
    assert page.status_code == 200 and b"Replace the lamp" in page.data
    response = partner_client.post(
        f"/partners/referrals/{referral.id}/reply",
        data={"body": "New lamp fitted.", "done": "y", "photo": (io.BytesIO(png()), "lamp.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.DONE.value
    photo = referral.replies[-1]
    assert (
        photo.photo_name
        and partner_client.get(f"/partners/referrals/{referral.id}/photo/{photo.thumb_name}").status_code
        == 200
    )
    assert item_for(referrals.KIND, referral.id).status == ItemStatus.OPEN.value
    assert item_for(referrals.KIND, referral.id).due_at > utcnow()  # a day for the station to check

    assert act(client, ref_item, "confirm", note="The property manager replaced the lamp.").status_code == 302
    db.session.refresh(tip)
    assert tip.status == TipStatus.RESOLVED.value
    assert item_for("tip", tip.id).status == ItemStatus.CLOSED.value
    assert item_for(referrals.KIND, referral.id).status == ItemStatus.CLOSED.value
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.kind == referrals.KIND, AuditEntry.subject_id == referral.id
        )
    ).all()
    assert actions == ["enqueue", "partner_done", "confirm"]

    later = utcnow() + dt.timedelta(days=app.config["FOLLOWUP_DAYS"] + 1)
    assert ask_due_followups(now=later) == 1
    assert open_followup(tip) is not None
    answer_followup(tip, fixed=True, satisfaction=5, comment="Bright again")
    assert open_followup(tip) is None and tip.status == TipStatus.RESOLVED.value

    figures = {f.organisation.id: f for f in referrals.close_times()}
    assert figures[org.id].confirmed == 1 and figures[org.id].median_close_h is not None
    assert b"Test Property Co" in client.get("/moderation/overview").data


def test_another_organisations_member_sees_nothing_and_cannot_reply(
    client, login, street_light, property_manager
):
    tip, _reporter = street_light
    org, _member, outsider = property_manager
    referral = referrals.refer(tip, org, "Fix it", local_now().date(), UserFactory(roles=(Role.STAFF,)))
    login(client, outsider)
    assert b"Fix it" not in client.get("/partners/referrals").data
    assert client.get(f"/partners/referrals/{referral.id}").status_code == 404
    assert (
        client.post(f"/partners/referrals/{referral.id}/reply", data={"body": "x", "done": "y"}).status_code
        == 404
    )
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.OPEN.value


def test_a_deactivated_organisation_no_longer_sees_its_referrals(
    client, login, street_light, property_manager
):
    tip, _reporter = street_light
    org, member, _outsider = property_manager
    referral = referrals.refer(tip, org, "Fix it", local_now().date(), UserFactory(roles=(Role.STAFF,)))
    org.active = False
    db.session.flush()
    login(client, member)
    assert client.get(f"/partners/referrals/{referral.id}").status_code == 404


def test_send_back_and_withdraw(client, login, street_light, property_manager):
    tip, _reporter = street_light
    org, member, _outsider = property_manager
    staff = UserFactory(roles=(Role.STAFF,))
    referral = referrals.refer(tip, org, "Fix it", local_now().date(), staff)
    referrals.partner_reply(referral, member, "Done", done=True)
    login(client, staff)
    item = item_for(referrals.KIND, referral.id)
    assert act(client, item, "send_back", reason="Still dark at night").status_code == 302
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.OPEN.value and item.status == ItemStatus.WAITING.value
    assert referral.replies[-1].from_station
    assert act(client, item, "confirm").status_code == 302  # not offered: the partner has not reported done
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.OPEN.value
    assert act(client, item, "withdraw", reason="We fix it ourselves").status_code == 302
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.WITHDRAWN.value
    assert item_for("tip", tip.id).status == ItemStatus.OPEN.value


def test_refusals(client, login, street_light, property_manager):
    tip, _reporter = street_light
    org, member, _outsider = property_manager
    staff = UserFactory(roles=(Role.STAFF,))
    login(client, staff)
    assert _refer(client, tip, org, days=-2).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0
    referral = referrals.refer(tip, org, "Fix it", local_now().date(), staff)
    db.session.commit()  # a savepoint here: the refused request below rolls back only itself
    assert _refer(client, tip, org).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 1
    login(client, member)
    empty = client.post(f"/partners/referrals/{referral.id}/reply", data={"body": ""})
    assert empty.status_code == 400 and b"Write a message" in empty.data
    bad = client.post(
        f"/partners/referrals/{referral.id}/reply",
        data={"body": "x", "photo": (io.BytesIO(b"not an image"), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and not referral.replies


def test_lower_roles_are_refused(client, login, street_light, property_manager):
    org, member, _outsider = property_manager
    login(client, member)
    assert client.get("/partners/").status_code == 403
    assert client.post(f"/partners/{org.id}/members", data={"login": "x"}).status_code == 403
    login(client, UserFactory(roles=(Role.RESIDENT,)))
    assert client.get("/partners/referrals").status_code == 403


def test_the_referral_reads_in_both_languages(client, login, street_light, property_manager):
    tip, _reporter = street_light
    org, member, _outsider = property_manager
    staff = UserFactory(roles=(Role.STAFF,))
    referral = referrals.refer(tip, org, "Replace the lamp", local_now().date(), staff)
    login(client, staff)
    item_id = item_for(referrals.KIND, referral.id).id
    lines = {lang: queue_lines(client, staff, lang)[item_id] for lang in ("en", "zh_Hans")}
    assert lines["en"] == "Referral to a partner · Test Property Co · Broken street light: Replace the lamp"
    assert lines["zh_Hans"].startswith("移交联动单位 · Test Property Co · ")
    member.locale = "zh_Hans"
    login(client, member)
    page = client.get("/partners/referrals", headers={"Accept-Language": "zh"})
    assert "移交事项" in page.data.decode() and "联动单位办理中" in page.data.decode()
