"""Sessions: no double booking of the room (also under concurrent requests), reminders, ICS, calendar."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from tests.disputes.conftest import World, english, keys_for
from tests.factories import UserFactory
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.disputes import sessions
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.models import DisputeCase, MediationSession, RoomBooking
from tipboard.extensions import db
from tipboard.permissions import Role


def _hour(days: int = 2, hour: int = 2) -> dt.datetime:
    day = (utcnow() + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour))


def test_the_room_is_never_double_booked_but_online_sessions_are_free(world):
    first, second = world.case("mediating"), world.case("mediating", other_phone=None)
    sessions.schedule(first, _hour(), 2, "room", world.mediator)
    overlapping = _hour() + dt.timedelta(hours=1)
    with pytest.raises(DisputeError) as exc, db.session.begin_nested():  # as a refused request rolls back
        sessions.schedule(second, overlapping, 1, "room", world.mediator)
    assert exc.value.code == "room_taken"
    sessions.schedule(second, _hour(), 1, "online", world.mediator)
    sessions.schedule(second, _hour() + dt.timedelta(hours=2), 1, "room", world.mediator)  # right after


def test_bad_times_and_closed_cases_are_refused(world):
    case = world.case("mediating")
    for start, hours in (
        (utcnow() - dt.timedelta(hours=2), 1),
        (_hour() + dt.timedelta(minutes=30), 1),
        (_hour(), 9),
    ):
        with pytest.raises(DisputeError):
            sessions.schedule(case, start.replace(second=0, microsecond=0), hours, "room", world.mediator)
    with pytest.raises(DisputeError):
        sessions.schedule(world.case("received"), _hour(), 1, "room", world.mediator)


def test_scheduling_through_the_page_with_a_form_message_when_taken(app, world, login):
    case = world.case("mediating")
    other = world.case("mediating", other_phone=None)
    mediator = login(english(app), world.mediator)
    day = _hour(3).date().isoformat()
    mediator.post(
        f"/disputes/case/{case.code}/session", data={"day": day, "hour": 10, "hours": 1, "place": "room"}
    )
    response = mediator.post(
        f"/disputes/case/{other.code}/session",
        data={"day": day, "hour": 10, "hours": 1, "place": "room"},
        follow_redirects=True,
    )
    assert b"already booked" in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediationSession)) == 1
    assert (
        login(english(app), world.applicant)
        .post(
            f"/disputes/case/{case.code}/session", data={"day": day, "hour": 11, "hours": 1, "place": "room"}
        )
        .status_code
        == 403
    )
    session = db.session.scalar(sa.select(MediationSession))
    ics = login(english(app), world.applicant).get(f"/disputes/case/{case.code}/session/{session.id}.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data and case.code.encode() in ics.data
    assert (
        login(english(app), world.other_mediator)
        .get(f"/disputes/case/{case.code}/session/{session.id}.ics")
        .status_code
        == 404
    )
    # The room's calendar names the case only to those who may see it.
    mine = login(english(app), world.mediator).get("/disputes/calendar").get_data(as_text=True)
    theirs = login(english(app), world.other_mediator).get("/disputes/calendar").get_data(as_text=True)
    assert case.code in mine and case.code not in theirs and "booked" in theirs
    assert login(english(app), world.applicant).get("/disputes/calendar").status_code == 403


def test_a_reminder_goes_out_once_a_day_ahead(world):
    case = world.case("mediating")
    sessions.schedule(case, _hour(1), 1, "online", world.mediator)
    session = db.session.scalar(sa.select(MediationSession))
    session.starts_at = utcnow().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=5)
    assert sessions.send_reminders() == 5  # two parties with accounts, three people on the case
    assert sessions.send_reminders() == 0
    assert "disputes.session_reminder" in keys_for(world.applicant)


def _book(app, case_id: int, user_id: int, start: dt.datetime, results: list, barrier) -> None:
    with app.app_context():
        try:
            barrier.wait()
            sessions.schedule(
                db.session.get(DisputeCase, case_id), start, 1, "room", db.session.get(User, user_id)
            )
            db.session.commit()
            results.append("booked")
        except DisputeError as exc:
            db.session.rollback()
            results.append(exc.code)
        finally:
            db.session.remove()


def test_concurrent_requests_for_one_hour_book_it_once(fresh_app):
    with fresh_app.test_request_context():
        users = {r.value: UserFactory(username=r.value, roles=(r,)) for r in Role}
        world = World(users)
        case_ids = [world.case("mediating", other_phone=None).id for _ in range(8)]
        mediator_id = world.mediator.id
        db.session.commit()
    start, results = _hour(4), []
    barrier = threading.Barrier(len(case_ids), timeout=60)
    threads = [
        threading.Thread(target=_book, args=(fresh_app, cid, mediator_id, start, results, barrier))
        for cid in case_ids
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == ["booked"] + ["room_taken"] * 7
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomBooking)) == 1
