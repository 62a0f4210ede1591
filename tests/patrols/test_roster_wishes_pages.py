"""A volunteer sets their roster wishes on the profile page (and the roster reads them), and sees
their last four weeks next to their teams' median on the hours page."""

import datetime as dt

import sqlalchemy as sa

from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import history
from tipboard.patrols.models import SignUp, VolunteerProfile


def test_the_profile_saves_the_roster_wishes(client, patrol, login):
    volunteer = patrol["volunteers"][0]
    grid_id = patrol["point_a"].grid_id
    login(client, volunteer)
    page = client.get("/patrols/profile").get_data(as_text=True)
    assert "No late shifts, please" in page and "Patrol near where I live or work" in page
    response = client.post(
        "/patrols/profile",
        data={"max_shifts_per_week": 3, "max_hours_per_week": 6, "avoid_late": "y", "home_grid_id": grid_id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    prof = db.session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.user_id == volunteer.id))
    assert (prof.max_hours_per_week, prof.avoid_late, prof.home_grid_id) == (6, True, grid_id)
    client.post(
        "/patrols/profile", data={"max_shifts_per_week": 3, "max_hours_per_week": "", "home_grid_id": ""}
    )
    db.session.expire_all()
    prof = db.session.get(VolunteerProfile, prof.id)
    assert (prof.max_hours_per_week, prof.avoid_late, prof.home_grid_id) == (None, False, None)


def test_bad_wishes_are_a_form_message(client, patrol, login):
    login(client, patrol["volunteers"][0])
    for data in ({"max_hours_per_week": 81}, {"home_grid_id": 999999}, {"max_hours_per_week": "many"}):
        response = client.post("/patrols/profile", data={"max_shifts_per_week": 2, **data})
        assert response.status_code == 400, data


def test_the_last_four_weeks_next_to_the_teams_median(app, client, patrol, login):
    v0, v1, v2 = patrol["volunteers"]
    # A Saturday two weeks ago, 21:00 to 23:00 station time: a late shift on a weekend.
    now = utcnow()
    saturday = (now - dt.timedelta(days=14 + (now.weekday() - 5) % 7)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    late = make_shift(patrol["point_a"], saturday)  # 13:00 UTC = 21:00 in the station's zone
    day = make_shift(patrol["point_a"], saturday - dt.timedelta(days=3, hours=4), hours=3)
    old = make_shift(patrol["point_a"], now - dt.timedelta(weeks=6))  # too long ago to count
    db.session.add_all(
        [
            SignUp(shift_id=late.id, user_id=v0.id, status="confirmed"),
            SignUp(shift_id=day.id, user_id=v0.id, status="confirmed"),
            SignUp(shift_id=old.id, user_id=v0.id, status="confirmed"),
            SignUp(shift_id=day.id, user_id=v1.id, status="confirmed"),
        ]
    )
    db.session.commit()
    figures = history.last_four_weeks(v0.id, now)
    assert figures["shifts"] == {"mine": 2, "median": 0.5}  # v0 2, v1 1, v2 0, the leader 0
    assert figures["hours"] == {"mine": 5.0, "median": 1.5}
    assert figures["nights"] == {"mine": 1, "median": 0.0}
    assert figures["weekends"] == {"mine": 1, "median": 0.0}
    login(client, v0)
    page = client.get("/patrols/hours").get_data(as_text=True)
    assert 'id="lately"' in page and "<td>5.0</td><td>1.5</td>" in page
