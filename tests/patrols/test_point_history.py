"""Editing and retiring patrol points: the history says who changed what; a retired point gets no
new shifts or templates and leaves volunteers' lists, while its past shifts keep pointing to it."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols.models import Observation, PatrolPoint, PointChange, Shift, ShiftTemplate, SignUp
from tipboard.patrols.points import PointError, retire_point
from tipboard.patrols.shifts import generate_shifts
from tipboard.permissions import Role
from tipboard.roster.build import generate_week
from tipboard.timezones import local_now


@pytest.fixture
def staff_user(app_ctx):
    return UserFactory(name="Officer Zhang", roles=(Role.STAFF,))


@pytest.fixture
def staff(app, staff_user, login):
    return login(app.test_client(), staff_user)


def _template(point) -> ShiftTemplate:
    template = ShiftTemplate(
        point_id=point.id, weekdays=[0, 3], start_time=dt.time(19), end_time=dt.time(21), title="Evening"
    )
    db.session.add(template)
    db.session.flush()
    return template


def _next_monday() -> dt.date:
    today = local_now().date()
    return today + dt.timedelta(days=7 - today.weekday())


def _edit_data(point, **over):
    data = {
        "name_en": point.name_en,
        "name_zh": point.name_zh,
        "lat": str(point.lat),
        "lon": str(point.lon),
        "radius_m": str(point.radius_m),
        "grid": str(point.grid_id),
        "team": "",
        "base_weight": "1.0",
        "route": "",
    }
    data.update(over)
    return data


def test_an_edit_is_saved_and_its_history_names_who_and_what(app, patrol, staff, staff_user):
    point = patrol["point_a"]
    page = staff.get(f"/patrols/points/{point.id}/edit")
    assert page.status_code == 200 and 'value="Point A"' in page.data.decode()
    response = staff.post(
        f"/patrols/points/{point.id}/edit", data=_edit_data(point, name_en="Market gate", radius_m="250")
    )
    assert response.status_code == 302
    db.session.refresh(point)
    assert point.name_en == "Market gate" and point.radius_m == 250
    change = db.session.scalar(sa.select(PointChange).where(PointChange.point_id == point.id))
    assert change.actor_id == staff_user.id and change.action == "edited"
    assert change.changes == {"name_en": ["Point A", "Market gate"], "radius_m": [150, 250]}
    history = staff.get(f"/patrols/points/{point.id}/edit").data.decode()
    assert "Officer Zhang" in history and "Point A → Market gate" in history and "150 → 250" in history


def test_saving_without_changes_records_nothing(app, patrol, staff):
    point = patrol["point_a"]
    staff.post(f"/patrols/points/{point.id}/edit", data=_edit_data(point))
    assert db.session.scalar(sa.select(sa.func.count(PointChange.id))) == 0


def test_a_bad_edit_is_a_form_message(app, patrol, staff):
    point = patrol["point_a"]
    response = staff.post(f"/patrols/points/{point.id}/edit", data=_edit_data(point, lat="north"))
    assert response.status_code == 400
    db.session.refresh(point)
    assert point.lat == 31.95


def test_a_new_point_has_a_created_line(app, patrol, staff, staff_user):
    response = staff.post("/patrols/points/new", data=_edit_data(patrol["point_a"], name_en="Bridge"))
    assert response.status_code == 302
    point = db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == "Bridge"))
    change = db.session.scalar(sa.select(PointChange).where(PointChange.point_id == point.id))
    assert change.action == "created" and change.actor_id == staff_user.id


def test_retiring_stops_new_shifts_and_keeps_the_past(app, patrol, staff, staff_user):
    point = patrol["point_a"]
    template = _template(point)
    past = make_shift(point, utcnow() - dt.timedelta(days=3))
    signup = SignUp(shift_id=past.id, user_id=patrol["volunteers"][0].id, status="confirmed")
    db.session.add(signup)
    db.session.add(Observation(shift_id=past.id, user_id=patrol["volunteers"][0].id, body="All quiet"))
    db.session.commit()

    response = staff.post(f"/patrols/points/{point.id}/retire", data={"reason": "The market moved"})
    assert response.status_code == 302
    db.session.expire_all()
    assert point.active is False
    assert db.session.get(ShiftTemplate, template.id).active is False
    monday = _next_monday()
    assert [s for s in generate_shifts(monday) if s.point_id == point.id] == []
    assert [s for s in generate_week(monday + dt.timedelta(days=7)) or [] if s.point_id == point.id] == []
    assert db.session.get(Shift, past.id).point_id == point.id
    assert db.session.get(SignUp, signup.id).shift.point.name == "Point A"
    line = db.session.scalar(sa.select(PointChange).where(PointChange.action == "retired"))
    assert line.note == "The market moved" and line.actor_id == staff_user.id
    assert "The market moved" in staff.get(f"/patrols/points/{point.id}/edit").data.decode()
    assert "Point A" in staff.get("/patrols/points/retired").data.decode()


def test_a_point_in_service_still_generates(app_ctx, patrol):
    point = patrol["point_a"]
    _template(point)
    assert len([s for s in generate_shifts(_next_monday()) if s.point_id == point.id]) == 2


def test_a_retired_point_leaves_the_volunteers_list(app, patrol, login):
    retire_point(patrol["point_a"], None, "closed")
    db.session.commit()
    page = login(app.test_client(), patrol["volunteers"][0]).get("/patrols/points").data.decode()
    assert "Point A" not in page and "Point B" in page


def test_a_retired_point_takes_no_new_template(app, patrol, staff):
    point = patrol["point_a"]
    retire_point(point, None, "closed")
    db.session.commit()
    response = staff.post(
        f"/patrols/points/{point.id}/templates",
        data={
            "shift_type": "patrol",
            "weekdays": ["1"],
            "start_time": "19:00",
            "end_time": "21:00",
            "min_volunteers": "2",
            "max_volunteers": "4",
        },
        follow_redirects=True,
    )
    assert "This point is retired" in response.data.decode()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(ShiftTemplate.id)).where(ShiftTemplate.point_id == point.id)
        )
        == 0
    )


def test_retiring_twice_is_refused(app_ctx, patrol):
    retire_point(patrol["point_a"], None, "closed")
    with pytest.raises(PointError):
        retire_point(patrol["point_a"], None, "again")
    assert (
        db.session.scalar(sa.select(sa.func.count(PointChange.id)).where(PointChange.action == "retired"))
        == 1
    )


def test_retiring_needs_a_reason(app, patrol, staff):
    staff.post(f"/patrols/points/{patrol['point_a'].id}/retire", data={"reason": ""})
    db.session.expire_all()
    assert patrol["point_a"].active is True


def test_leaders_and_volunteers_may_not_edit_or_retire(app, patrol, login):
    point = patrol["point_a"]
    for user in (patrol["leader"], patrol["volunteers"][0]):
        client = login(app.test_client(), user)
        assert client.get(f"/patrols/points/{point.id}/edit").status_code == 403
        assert client.post(f"/patrols/points/{point.id}/retire", data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert point.active is True


def test_the_history_reads_in_chinese(app, patrol, login):
    point = patrol["point_a"]
    retire_point(point, None, "市场搬迁")
    db.session.commit()
    client = login(app.test_client(), UserFactory(roles=(Role.STAFF,), locale="zh_Hans"))
    page = client.get(f"/patrols/points/{point.id}/edit").data.decode()
    assert "修改记录" in page and "停用" in page and "市场搬迁" in page
