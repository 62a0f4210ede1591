import datetime as dt
import re

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.factories import TipFactory, UserFactory
from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.jobs import JOBS
from tipboard.patrols import checkin, priority, shifts
from tipboard.patrols.models import Observation, SignUp
from tipboard.patrols.teams import profile_of
from tipboard.tips.models import Tip, TipStatus


@pytest.fixture
def on_now(patrol):
    """A shift at point A that started ten minutes ago, with volunteer 0 on it."""
    start = utcnow() - dt.timedelta(minutes=10)
    shift = make_shift(patrol["point_a"], start)
    signup = SignUp(shift_id=shift.id, user_id=patrol["volunteers"][0].id, status="confirmed")
    shift.confirmed_count = 1
    db.session.add(signup)
    db.session.commit()
    return shift, signup


def test_qr_check_in_and_out(client, patrol, on_now, login):
    shift, signup = on_now
    token = checkin.point_token(patrol["point_a"])
    login(client, patrol["volunteers"][0])
    page = client.get(f"/patrols/scan/{token}")
    assert page.status_code == 200 and b"Check in" in page.data
    assert signup.checked_in_at is None  # GET changes nothing
    client.post(f"/patrols/scan/{token}")
    db.session.refresh(signup)
    assert signup.checked_in_at is not None and signup.checked_out_at is None
    client.post(f"/patrols/scan/{token}")
    db.session.refresh(signup)
    assert signup.checked_out_at is not None


def test_qr_expired_invalid_wrong_point_and_another_person(client, app, patrol, on_now, login):
    shift, signup = on_now
    login(client, patrol["volunteers"][0])
    assert client.get("/patrols/scan/not-a-token").status_code == 400
    wrong_point = checkin.point_token(patrol["point_b"])
    assert b"no shift at this point" in client.get(f"/patrols/scan/{wrong_point}").data
    with pytest.raises(Exception, match="no_current_shift"):
        checkin.scan(wrong_point, patrol["volunteers"][0])
    # Someone else scanning the same code does not check volunteer 0 in.
    with pytest.raises(Exception, match="no_current_shift"):
        checkin.scan(checkin.point_token(patrol["point_a"]), patrol["volunteers"][1])
    db.session.refresh(signup)
    assert signup.checked_in_at is None
    app.config["PATROL_QR_MAX_AGE_DAYS"] = -1
    try:
        response = client.get(f"/patrols/scan/{checkin.point_token(patrol['point_a'])}")
        assert response.status_code == 400 and b"expired" in response.data
    finally:
        app.config["PATROL_QR_MAX_AGE_DAYS"] = 400


def test_leader_checks_in_by_hand_but_not_for_another_team(client, app, patrol, on_now, login):
    shift, signup = on_now
    login(client, patrol["leader"])
    client.post(f"/patrols/shifts/{shift.id}/checkin/{signup.id}")
    db.session.refresh(signup)
    assert signup.checked_in_at is not None and signup.checked_in_by_id == patrol["leader"].id
    other_leader = UserFactory()
    from tipboard.patrols.models import MemberRole
    from tipboard.patrols.teams import add_member

    add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    db.session.commit()
    outsider = app.test_client()
    login(outsider, other_leader)
    assert outsider.post(f"/patrols/shifts/{shift.id}/checkin/{signup.id}").status_code == 403


def test_no_show_auto_checkout_and_hours(patrol):
    v0, v1, _ = patrol["volunteers"]
    start = utcnow() - dt.timedelta(hours=3)
    shift = make_shift(patrol["point_a"], start, hours=2)
    came = SignUp(
        shift_id=shift.id, user_id=v0.id, status="confirmed", checked_in_at=start + dt.timedelta(minutes=30)
    )
    absent = SignUp(shift_id=shift.id, user_id=v1.id, status="confirmed")
    db.session.add_all([came, absent])
    db.session.commit()
    assert JOBS["patrols.attendance"].func() == 1
    assert JOBS["patrols.attendance"].func() == 0
    db.session.refresh(came), db.session.refresh(absent)
    assert absent.status == "no_show"
    assert came.checked_out_at == shift.ends_at and came.auto_checked_out and came.hours == 1.5
    totals = checkin.hours_by_user([v0.id, v1.id])
    assert totals[v0.id] == {"hours": 1.5, "shifts": 1, "no_shows": 0}
    assert totals[v1.id]["no_shows"] == 1


def test_ics_feed_parses_and_the_link_can_be_reset(client, patrol, login):
    v0 = patrol["volunteers"][0]
    shifts.sign_up(patrol["shift"], v0)
    profile = profile_of(v0)
    db.session.commit()
    response = client.get(f"/patrols/calendar/{profile.calendar_token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(response.data).walk("VEVENT")]
    assert len(events) == 1 and "Point A" in str(events[0]["SUMMARY"])
    assert events[0].decoded("DTSTART").replace(tzinfo=None) == patrol["shift"].starts_at
    old = profile.calendar_token
    login(client, v0)
    client.post("/patrols/profile/calendar/reset")
    db.session.refresh(profile)
    assert profile.calendar_token != old
    assert client.get(f"/patrols/calendar/{old}.ics").status_code == 404


def test_reminders_go_out_once(patrol):
    v0 = patrol["volunteers"][0]
    soon = make_shift(patrol["point_a"], utcnow() + dt.timedelta(minutes=50))
    shifts.sign_up(soon, v0)
    db.session.commit()
    assert JOBS["patrols.reminders"].func() == 2  # the day-before and the hour-before reminders
    assert JOBS["patrols.reminders"].func() == 0


def test_priority_weights_decay_and_split_by_time_of_day(patrol, app_ctx):
    point = patrol["point_a"]
    now = dt.datetime(2026, 11, 20, 14, 0)  # 22:00 in Shanghai
    TipFactory(
        status=TipStatus.VERIFIED.value,
        lat=point.lat,
        lon=point.lon,
        created_at=now - dt.timedelta(minutes=30),
        seen_at=now - dt.timedelta(hours=1),
    )  # 21:00
    TipFactory(
        status=TipStatus.VERIFIED.value,
        lat=point.lat + 0.0005,
        lon=point.lon,
        created_at=now - dt.timedelta(days=14, hours=8),
    )  # 14:00 local, two weeks ago
    TipFactory(status=TipStatus.NEW.value, lat=point.lat, lon=point.lon, created_at=now)  # unverified
    TipFactory(
        status=TipStatus.VERIFIED.value, lat=point.lat + 0.02, lon=point.lon, created_at=now
    )  # 2 km away
    TipFactory(
        status=TipStatus.VERIFIED.value, lat=point.lat, lon=point.lon, created_at=now - dt.timedelta(weeks=9)
    )  # too old
    db.session.flush()
    weights = priority.weights([point], now=now)[point.id]
    assert weights["evening"] == pytest.approx(1.0 + priority.tip_weight(1 / 24), abs=1e-3)
    assert weights["afternoon"] == pytest.approx(1.0 + priority.tip_weight(14 + 8 / 24), abs=1e-3)
    assert weights["night"] == weights["morning"] == 1.0
    assert priority.tip_weight(14) == pytest.approx(0.5) and priority.tip_weight(0) == 1.0
    assert weights["evening"] > weights["afternoon"] > weights["night"]


def test_emergency_contacts_only_for_own_leaders_and_staff(client, app, patrol, users, login):
    v0 = patrol["volunteers"][0]
    profile = profile_of(v0)
    profile.emergency_name, profile.emergency_phone = "Mother", "13912345678"
    db.session.commit()
    login(client, patrol["leader"])
    assert b"13912345678" in client.get(f"/patrols/teams/{patrol['team_a'].id}").data
    for who in (patrol["volunteers"][1], users["resident"], patrol["outsider"]):
        other = app.test_client()
        login(other, who)
        assert other.get(f"/patrols/teams/{patrol['team_a'].id}").status_code == 403


def test_hazard_reported_from_a_patrol_is_linked_to_the_shift(client, patrol, on_now, login):
    from tests.factories import CategoryFactory

    shift, _signup = on_now
    category = CategoryFactory()
    login(client, patrol["volunteers"][0])
    response = client.get(f"/patrols/shifts/{shift.id}/report-hazard")
    location = response.headers["Location"]
    assert "origin=" in location and "address=Point" in location
    form_page = client.get(location).data.decode()
    assert "duty record" in form_page
    origin = re.search(r'name="origin" type="hidden" value="([^"]+)"', form_page).group(1)
    client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Blocked fire exit at the market",
            "address": "Point A",
            "anonymous": "",
            "origin": origin,
        },
    )
    tip = db.session.scalars(sa.select(Tip)).one()
    observation = db.session.scalars(sa.select(Observation)).one()
    assert observation.tip_id == tip.id and observation.shift_id == shift.id


def test_leader_closes_a_shift_and_the_report_reaches_staff(client, app, patrol, on_now, users, login):
    from tipboard.moderation.services import item_for

    shift, _ = on_now
    login(client, patrol["leader"])
    client.post(
        f"/patrols/shifts/{shift.id}/close", data={"report": "Quiet evening; one blocked exit reported."}
    )
    item = item_for("patrol_report", shift.id)
    assert item is not None and item.status == "open"
    staff = app.test_client()
    login(staff, users["staff"])
    assert b"one blocked exit" in staff.get(f"/moderation/item/{item.id}").data


def test_team_application_goes_to_the_teams_leaders(client, app, patrol, users, login):
    from tipboard.moderation.services import item_for
    from tipboard.patrols.models import TeamApplication

    applicant = users["resident"]
    login(client, applicant)
    client.post(f"/patrols/teams/{patrol['team_a'].id}/apply", data={"message": "I walk the market daily."})
    application = db.session.scalars(sa.select(TeamApplication)).one()
    item = item_for("team_application", application.id)
    other_leader = UserFactory()
    from tipboard.patrols.models import MemberRole
    from tipboard.patrols.teams import add_member

    add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    db.session.commit()
    outsider = app.test_client()
    login(outsider, other_leader)
    assert outsider.get(f"/moderation/item/{item.id}").status_code == 403
    leader = app.test_client()
    login(leader, patrol["leader"])
    leader.post(f"/moderation/item/{item.id}/act/accept")
    db.session.refresh(application)
    assert application.status == "accepted" and patrol["team_a"].membership(applicant) is not None
    assert applicant.has_role("volunteer")
