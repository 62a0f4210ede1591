"""What a volunteer sees of their own patrolling: availability they can edit and delete, open
shifts that say when they are filtered, "applied" on the team list, their own check-in on a shift;
and a team's leader deciding applications on the team page."""

import datetime as dt

import sqlalchemy as sa

from tests.factories import UserFactory
from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation.services import item_for
from tipboard.patrols.availability import add_slot
from tipboard.patrols.models import Availability, AvailabilityException, SignUp, TeamApplication
from tipboard.patrols.teams import apply
from tipboard.timezones import to_local


def test_a_slot_can_be_edited_and_deleted_by_its_owner_only(client, patrol, login):
    v0, v1 = patrol["volunteers"][:2]
    slot = add_slot(v0.id, 2, dt.time(18), dt.time(22))
    db.session.commit()
    login(client, v1)
    assert client.post(f"/patrols/profile/availability/{slot.id}/delete").status_code == 404
    login(client, v0)
    prefix = f"slot{slot.id}"
    client.post(
        f"/patrols/profile/availability/{slot.id}",
        data={f"{prefix}-weekday": "4", f"{prefix}-start_time": "09:00", f"{prefix}-end_time": "12:00"},
    )
    db.session.refresh(slot)
    assert (slot.weekday, slot.start_time, slot.end_time) == (4, dt.time(9), dt.time(12))
    page = client.post(
        f"/patrols/profile/availability/{slot.id}",
        data={f"{prefix}-weekday": "4", f"{prefix}-start_time": "12:00", f"{prefix}-end_time": "09:00"},
        follow_redirects=True,
    )
    assert b"Give a day and a time range that ends after it starts." in page.data
    db.session.refresh(slot)
    assert slot.start_time == dt.time(9)
    client.post(f"/patrols/profile/availability/{slot.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Availability)) == 0


def test_a_day_away_can_be_moved_and_deleted(client, patrol, login):
    v0 = patrol["volunteers"][0]
    first = AvailabilityException(user_id=v0.id, day=dt.date(2030, 5, 1), available=False)
    second = AvailabilityException(user_id=v0.id, day=dt.date(2030, 5, 2), available=False)
    db.session.add_all([first, second])
    db.session.commit()
    login(client, v0)
    client.post(f"/patrols/profile/away/{first.id}", data={f"away{first.id}-day": "2030-05-03"})
    db.session.refresh(first)
    assert first.day == dt.date(2030, 5, 3)
    page = client.post(
        f"/patrols/profile/away/{first.id}", data={f"away{first.id}-day": "2030-05-02"}, follow_redirects=True
    )
    assert b"That day is already on your list." in page.data
    client.post(f"/patrols/profile/away/{second.id}/delete")
    remaining = db.session.scalars(sa.select(AvailabilityException.day)).all()
    assert remaining == [dt.date(2030, 5, 3)]


def test_open_shifts_say_when_availability_filters_them_and_offer_all(client, patrol, login):
    v0 = patrol["volunteers"][0]
    other = make_shift(patrol["point_a"], patrol["shift"].starts_at + dt.timedelta(days=2, hours=3))
    local = to_local(other.starts_at)
    add_slot(v0.id, local.weekday(), local.time(), (local + dt.timedelta(hours=2)).time())
    db.session.commit()
    login(client, v0)
    page = client.get("/patrols/").data.decode()
    assert f"/patrols/shifts/{other.id}" in page and f"/patrols/shifts/{patrol['shift'].id}" not in page
    assert "Only the shifts that fit your availability are shown." in page and "?all=1" in page
    page = client.get("/patrols/?all=1").data.decode()
    assert f"/patrols/shifts/{patrol['shift'].id}" in page and "All open shifts are shown." in page


def test_the_team_list_says_applied(client, patrol, users, login):
    login(client, users["resident"])
    client.post(f"/patrols/teams/{patrol['team_a'].id}/apply", data={"message": "Evenings"})
    page = client.get("/patrols/teams").data.decode()
    assert "Your application is waiting for the team" in page
    assert f"/patrols/teams/{patrol['team_a'].id}/apply" not in page
    assert f"/patrols/teams/{patrol['team_b'].id}/apply" in page


def test_a_shift_page_shows_my_own_check_in(client, patrol, login):
    v0 = patrol["volunteers"][0]
    start = (utcnow() - dt.timedelta(hours=1)).replace(microsecond=0)
    shift = make_shift(patrol["point_a"], start)
    db.session.add(
        SignUp(
            shift_id=shift.id,
            user_id=v0.id,
            status="confirmed",
            checked_in_at=start + dt.timedelta(minutes=2),
            checked_out_at=start + dt.timedelta(minutes=50),
        )
    )
    db.session.commit()
    login(client, v0)
    page = client.get(f"/patrols/shifts/{shift.id}").data.decode()
    assert "Your check-in:" in page and "my-checkin" in page


def test_the_leader_decides_an_application_on_the_team_page(client, patrol, users, login):
    applicant = users["resident"]
    application = apply(patrol["team_a"], applicant, "I know the market.")
    db.session.commit()
    login(client, patrol["leader"])
    page = client.get(f"/patrols/teams/{patrol['team_a'].id}").data.decode()
    assert "I know the market." in page and applicant.name in page
    url = f"/patrols/teams/{patrol['team_a'].id}/applications/{application.id}/accept"
    page = client.post(url, follow_redirects=True)
    assert f"{applicant.name} joined the team." in page.data.decode()
    db.session.refresh(application)
    assert application.status == "accepted" and patrol["team_a"].membership(applicant) is not None
    assert item_for("team_application", application.id).status == "closed"
    page = client.post(url, follow_redirects=True)
    assert b"That was already decided." in page.data


def test_a_member_cannot_decide_applications(client, patrol, login):
    application = apply(patrol["team_a"], UserFactory(), "")
    db.session.commit()
    login(client, patrol["volunteers"][0])
    url = f"/patrols/teams/{patrol['team_a'].id}/applications/{application.id}/accept"
    assert client.post(url).status_code in (302, 403)
    assert db.session.get(TeamApplication, application.id).status == "pending"
