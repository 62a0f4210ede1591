"""Venue points: the register, rules, inspections and findings, the manager's proof, a tip become a
finding, and the daily, weekly and monthly work with their once-per-period guards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from tests.factories import GridFactory, TipFactory, UserFactory
from tests.images import png
from tipboard.extensions import db
from tipboard.jobs import JOBS
from tipboard.moderation.services import item_for
from tipboard.permissions import Role
from tipboard.timezones import local_now
from tipboard.tips.models import TipStatus
from tipboard.tips.workflow import enqueue_tip
from tipboard.venues import periodic, services
from tipboard.venues.models import (
    Finding,
    FindingStatus,
    Inspection,
    PointRule,
    Venue,
    VenueAction,
    VenueTally,
)


@pytest.fixture
def venue_setup(app_ctx):
    manager = UserFactory(roles=(Role.VENUE_MANAGER,))
    venue = Venue(
        name="Test Rooms", category="rental_housing", grid_id=GridFactory().id, manager_id=manager.id
    )
    other = Venue(
        name="Other Café", category="internet_cafe", manager_id=UserFactory(roles=(Role.VENUE_MANAGER,)).id
    )
    blocked = PointRule(
        code="exit-blocked", name_zh="消防通道堵塞", name_en="Fire exit blocked", points=-15, rectify_days=7
    )
    bonus = PointRule(code="register-ok", name_zh="登记齐全", name_en="Register complete", points=2)
    db.session.add_all([venue, other, blocked, bonus])
    db.session.flush()
    return {"venue": venue, "other": other, "manager": manager, "blocked": blocked, "bonus": bonus}


def test_staff_register_inspect_and_record_a_finding_with_a_photo(client, login, venue_setup):
    v = venue_setup
    login(client, UserFactory(roles=(Role.STAFF,)))
    response = client.post(
        "/venues/new",
        data={
            "name": "Night Owl Bar",
            "category": "bar",
            "manager": v["manager"].email,
            "base_score": "100",
            "active": "y",
        },
    )
    assert response.status_code == 302
    bar = db.session.scalar(sa.select(Venue).where(Venue.name == "Night Owl Bar"))
    assert bar.manager_id == v["manager"].id
    page = client.get(f"/venues/{v['venue'].id}").data.decode()
    assert "钢叉" in page and "Tenant register complete" in page  # the checklist of the category
    assert (
        client.post(
            f"/venues/{v['venue'].id}/inspect", data={"passed": ["extinguishers"], "note": "Exit blocked"}
        ).status_code
        == 302
    )
    inspection = db.session.scalar(sa.select(Inspection).where(Inspection.venue_id == v["venue"].id))
    assert inspection.checks["extinguishers"] is True and inspection.checks["emergency_kit"] is False
    response = client.post(
        f"/venues/{v['venue'].id}/findings",
        data={
            "rule": str(v["blocked"].id),
            "note": "Bikes in the exit",
            "photo": (io.BytesIO(png()), "exit.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    finding = db.session.scalar(sa.select(Finding).where(Finding.venue_id == v["venue"].id))
    assert finding.points == -15 and finding.inspection_id == inspection.id and finding.photos
    assert finding.deadline == local_now().date() + dt.timedelta(days=7)
    assert services.scores(venue_ids=[v["venue"].id]) == {v["venue"].id: 85}
    assert client.get(f"/venues/photo/{finding.photos[0].thumb_name}").status_code == 200


def test_the_manager_sees_only_their_venue_and_sends_proof(client, login, venue_setup):
    v = venue_setup
    staff = UserFactory(roles=(Role.STAFF,))
    mine = services.add_finding(v["venue"], v["blocked"], staff, "Bikes in the exit", photo=png())
    theirs = services.add_finding(v["other"], v["blocked"], staff, "Door chained")
    login(client, v["manager"])
    page = client.get("/venues/mine").data.decode()
    assert (
        "Test Rooms" in page and "85" in page and "Bikes in the exit" in page and "Door chained" not in page
    )
    assert client.get(f"/venues/photo/{mine.photos[0].thumb_name}").status_code == 200
    assert client.post(f"/venues/mine/findings/{theirs.id}/proof", data={"note": "x"}).status_code == 404
    response = client.post(
        f"/venues/mine/findings/{mine.id}/proof",
        data={"note": "Bikes moved to the shed", "photo": (io.BytesIO(png()), "shed.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(mine)
    assert mine.status == FindingStatus.PROOF.value and any(p.proof for p in mine.photos)
    assert theirs.status == FindingStatus.OPEN.value
    login(client, staff)
    assert client.post(f"/venues/findings/{mine.id}/accept").status_code == 302
    db.session.refresh(mine)
    assert mine.status == FindingStatus.RECTIFIED.value


def test_another_manager_cannot_see_a_venues_photo(client, login, venue_setup):
    v = venue_setup
    finding = services.add_finding(v["venue"], v["blocked"], None, None, photo=png())
    login(client, UserFactory(roles=(Role.VENUE_MANAGER,)))
    assert client.get(f"/venues/photo/{finding.photos[0].thumb_name}").status_code == 404
    assert "Test Rooms" not in client.get("/venues/mine").data.decode()


def test_supervisors_edit_the_rules_staff_only_read_them(client, login, venue_setup):
    login(client, UserFactory(roles=(Role.STAFF,)))
    assert client.get("/venues/rules").status_code == 200
    assert client.get("/venues/rules/new").status_code == 403
    login(client, UserFactory(roles=(Role.SUPERVISOR,)))
    data = {
        "code": "charging",
        "name_zh": "违规充电",
        "name_en": "Illegal charging",
        "points": "-10",
        "rectify_days": "3",
        "active": "y",
    }
    assert client.post("/venues/rules/new", data=data).status_code == 302
    assert client.post("/venues/rules/new", data=data).status_code == 400  # the short name is taken
    rule = db.session.scalar(sa.select(PointRule).where(PointRule.code == "charging"))
    assert rule.points == -10 and rule.rectify_days == 3


def test_a_verified_tip_about_a_venue_becomes_a_finding_once(client, login, venue_setup):
    v = venue_setup
    tip = TipFactory(
        status=TipStatus.VERIFIED.value, description="E-bikes charged in the corridor of Test Rooms"
    )
    db.session.flush()
    enqueue_tip(tip, new_subject=True)
    login(client, UserFactory(roles=(Role.STAFF,)))
    item = item_for("tip", tip.id)
    data = {"venue_finding-venue": str(v["venue"].id), "venue_finding-rule": str(v["blocked"].id)}
    assert client.post(f"/moderation/item/{item.id}/act/venue_finding", data=data).status_code == 302
    finding = db.session.scalar(sa.select(Finding).where(Finding.tip_id == tip.id))
    assert finding.venue_id == v["venue"].id and "corridor" in finding.note
    db.session.commit()
    client.post(f"/moderation/item/{item.id}/act/venue_finding", data=data)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id)).where(Finding.tip_id == tip.id)) == 1


def test_daily_weekly_monthly_work_and_their_guards(client, login, venue_setup):
    v = venue_setup
    services.add_finding(v["venue"], v["blocked"], None, None)  # 85: a talk with the manager
    assert JOBS["venues.tally"].func() == 2
    assert JOBS["venues.tally"].func() == 0  # once per day
    today = local_now().date()
    assert (
        db.session.scalar(
            sa.select(VenueTally.score).where(VenueTally.venue_id == v["venue"].id, VenueTally.day == today)
        )
        == 85
    )
    # the weekly list reads the scores at the end of last week: this week's finding counts next week
    monday = today - dt.timedelta(days=today.weekday())
    assert periodic.weekly_actions(monday + dt.timedelta(days=7)) == 1
    assert periodic.weekly_actions(monday + dt.timedelta(days=7)) == 0
    action = db.session.scalar(sa.select(VenueAction).where(VenueAction.venue_id == v["venue"].id))
    assert action.kind == "talk" and action.score == 85
    assert JOBS["venues.actions"].func() >= 0 and JOBS["venues.actions"].func() == 0  # once per week
    staff = UserFactory(roles=(Role.STAFF,))
    periodic.take_action(action, staff, "Talked on Monday")
    with pytest.raises(periodic.ActionError):
        periodic.take_action(action, staff, "again")
    month = today.strftime("%Y-%m")
    bulletin = periodic.build_bulletin(month)
    rows = {r["name"]: r for r in bulletin.rows}
    assert rows["Test Rooms"]["score"] == 85 and rows["Other Café"]["score"] == 100
    assert list(rows)[0] == "Test Rooms"  # lowest score first
    assert periodic.build_bulletin(month) is None
    assert JOBS["venues.bulletin"].func() in (0, 1) and JOBS["venues.bulletin"].func() == 0  # once per month
    login(client, staff)
    csv = client.get(f"/venues/bulletins/{month}.csv")
    assert csv.status_code == 200 and "Test Rooms" in csv.data.decode("utf-8-sig")
    assert "Test Rooms" in client.get(f"/venues/bulletins?month={month}").data.decode()
    pdf = client.get(f"/venues/bulletins/{month}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_weekly_action_is_recorded_through_the_page(client, login, venue_setup):
    v = venue_setup
    today = local_now().date()
    monday = today - dt.timedelta(days=today.weekday())
    action = VenueAction(venue_id=v["venue"].id, week=monday, kind="law_study", score=75)
    db.session.add(action)
    db.session.flush()
    login(client, UserFactory(roles=(Role.STAFF,)))
    assert "Test Rooms" in client.get("/venues/actions").data.decode()
    assert client.post(f"/venues/actions/{action.id}", data={"note": "Study session held"}).status_code == 302
    db.session.refresh(action)
    assert action.taken_at is not None and action.note == "Study session held"


def test_lower_roles_are_refused(client, login, venue_setup):
    login(client, venue_setup["manager"])
    assert client.get("/venues/").status_code == 403
    assert client.get(f"/venues/{venue_setup['venue'].id}").status_code == 403
    login(client, UserFactory(roles=(Role.RESIDENT,)))
    assert client.get("/venues/mine").status_code == 403


def test_pages_in_chinese(client, login, venue_setup):
    login(client, UserFactory(roles=(Role.STAFF,), locale="zh_Hans"))
    page = client.get(f"/venues/{venue_setup['venue'].id}").data.decode()
    assert "检查" in page and "群租房" in page


def test_the_bulletin_csv_neutralises_a_hostile_venue_name(client, login, venue_setup):
    hostile = "+1+cmd|' /C calc'!A0"
    venue_setup["venue"].name = hostile
    db.session.flush()
    month = local_now().date().strftime("%Y-%m")
    periodic.build_bulletin(month)
    login(client, UserFactory(roles=(Role.STAFF,)))
    text = client.get(f"/venues/bulletins/{month}.csv").data.decode("utf-8-sig")
    assert "'" + hostile in text and "\n" + hostile not in text and "," + hostile not in text
