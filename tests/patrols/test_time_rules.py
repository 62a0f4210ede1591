"""Time has a say: check-in opens a set time before the start and closes at the end, checking out
comes after the start, closing comes after the start, and a closed shift is closed."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import checkin, shifts
from tipboard.patrols.models import Observation, SignUp


def _on(shift, user):
    signup = SignUp(shift_id=shift.id, user_id=user.id, status="confirmed")
    shift.confirmed_count += 1
    db.session.add(signup)
    db.session.commit()
    return signup


@pytest.fixture
def later(patrol):
    """A shift at point A starting in three hours, volunteer 0 on it."""
    start = (utcnow() + dt.timedelta(hours=3)).replace(microsecond=0)
    shift = make_shift(patrol["point_a"], start)
    return shift, _on(shift, patrol["volunteers"][0])


def test_check_in_opens_before_the_start_and_closes_at_the_end(app, patrol, later):
    shift, signup = later
    v0 = patrol["volunteers"][0]
    opens = shift.starts_at - dt.timedelta(minutes=app.config["PATROL_CHECKIN_OPENS_MINUTES"])
    with pytest.raises(shifts.PatrolError, match="checkin_not_open"):
        checkin.toggle(signup, opens - dt.timedelta(minutes=1), by=v0)
    with pytest.raises(shifts.PatrolError, match="checkin_over"):
        checkin.toggle(signup, shift.ends_at + dt.timedelta(minutes=1), by=v0)
    assert signup.checked_in_at is None
    assert checkin.toggle(signup, opens, by=v0)[0] == "in"


def test_checking_out_comes_after_the_start(patrol, later):
    shift, signup = later
    v0 = patrol["volunteers"][0]
    checkin.toggle(signup, shift.starts_at - dt.timedelta(minutes=10), by=v0)
    with pytest.raises(shifts.PatrolError, match="checkout_too_early"):
        checkin.toggle(signup, shift.starts_at - dt.timedelta(minutes=9), by=v0)
    assert signup.checked_out_at is None
    assert checkin.toggle(signup, shift.starts_at + dt.timedelta(minutes=1), by=v0)[0] == "out"


def test_a_shift_is_closed_only_after_it_started_and_then_takes_no_check_in(patrol, later):
    shift, signup = later
    with pytest.raises(shifts.PatrolError, match="not_started"):
        shifts.close_shift(shift, "Quiet.", patrol["leader"], now=shift.starts_at - dt.timedelta(hours=2))
    assert shift.closed_at is None
    shifts.close_shift(shift, "Quiet.", patrol["leader"], now=shift.starts_at + dt.timedelta(minutes=5))
    with pytest.raises(shifts.PatrolError, match="shift_closed"):
        checkin.toggle(signup, shift.starts_at + dt.timedelta(minutes=6), by=patrol["leader"])


def test_a_started_shift_is_not_swapped(patrol, later):
    shift, signup = later
    with pytest.raises(shifts.PatrolError, match="started"):
        shifts.offer_swap(signup, now=shift.starts_at + dt.timedelta(minutes=1))


def test_the_page_refuses_closing_before_the_start(client, patrol, later, login):
    shift, _ = later
    login(client, patrol["leader"])
    page = client.get(f"/patrols/shifts/{shift.id}")
    assert b"closed only after it has started" in page.data and b"/close" not in page.data
    page = client.post(f"/patrols/shifts/{shift.id}/close", data={"report": "Early"}, follow_redirects=True)
    assert b"A shift can be closed only after it has started." in page.data
    db.session.refresh(shift)
    assert shift.closed_at is None and shift.report is None


def test_a_leader_cannot_check_in_before_the_window(client, patrol, later, login):
    shift, signup = later
    login(client, patrol["leader"])
    page = client.post(f"/patrols/shifts/{shift.id}/checkin/{signup.id}", follow_redirects=True)
    assert b"Check-in has not opened yet: it opens 30 minutes before the start." in page.data
    db.session.refresh(signup)
    assert signup.checked_in_at is None


@pytest.fixture
def closed(patrol):
    """A shift that started an hour ago, volunteer 0 on it, closed by its leader."""
    start = (utcnow() - dt.timedelta(hours=1)).replace(microsecond=0)
    shift = make_shift(patrol["point_a"], start)
    signup = _on(shift, patrol["volunteers"][0])
    shifts.close_shift(shift, "All quiet.", patrol["leader"])
    db.session.commit()
    return shift, signup


def test_a_closed_shift_page_shows_it_closed_and_offers_nothing(client, patrol, closed, login):
    shift, _ = closed
    login(client, patrol["volunteers"][0])
    page = client.get(f"/patrols/shifts/{shift.id}").data
    assert b"This shift is closed." in page
    for action in ("drop", "swap", "log", "report-hazard"):
        assert f"/patrols/shifts/{shift.id}/{action}".encode() not in page
    page = client.post(f"/patrols/shifts/{shift.id}/log", data={"body": "Late note"}, follow_redirects=True)
    assert b"That shift is closed." in page.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 0
    token = checkin.point_token(patrol["point_a"])
    page = client.post(f"/patrols/scan/{token}", follow_redirects=True)
    assert b"no shift at this point right now" in page.data


def test_a_code_scanned_before_the_window_names_the_next_shift(client, patrol, later, login):
    shift, signup = later
    login(client, patrol["volunteers"][0])
    token = checkin.point_token(patrol["point_a"])
    page = client.get(f"/patrols/scan/{token}")
    assert b"no shift at this point right now" in page.data
    assert f'href="/patrols/shifts/{shift.id}"'.encode() in page.data
    assert b"The next shift at this point" in page.data
    client.post(f"/patrols/scan/{token}")
    db.session.refresh(signup)
    assert signup.checked_in_at is None


def test_a_scan_right_after_checking_in_before_the_start_does_not_check_out(client, patrol, later, login):
    shift, signup = later
    shift.starts_at, shift.ends_at = utcnow() + dt.timedelta(minutes=10), utcnow() + dt.timedelta(hours=2)
    db.session.commit()
    login(client, patrol["volunteers"][0])
    token = checkin.point_token(patrol["point_a"])
    client.post(f"/patrols/scan/{token}")
    page = client.post(f"/patrols/scan/{token}", follow_redirects=True)
    assert b"You can check out once the shift has started." in page.data
    db.session.refresh(signup)
    assert signup.checked_in_at is not None and signup.checked_out_at is None
