"""The patrol workflow called directly (services), and the pages that hand work to them."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation.services import item_for
from tipboard.patrols import shifts
from tipboard.patrols.availability import add_slot
from tipboard.patrols.models import Availability, MemberRole, PatrolPoint, SwapRequest, Team
from tipboard.patrols.points import create_point
from tipboard.patrols.teams import add_member


def test_who_may_lead_a_shift(patrol, users):
    shift = patrol["shift"]
    deputy = UserFactory()
    add_member(patrol["team_a"], deputy, MemberRole.DEPUTY)
    other_leader = UserFactory()
    add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    assert shifts.can_lead_shift(patrol["leader"], shift)
    assert shifts.can_lead_shift(deputy, shift)
    assert shifts.can_lead_shift(users["staff"], shift)
    assert not shifts.can_lead_shift(patrol["volunteers"][0], shift)  # a member, not a leader
    assert not shifts.can_lead_shift(other_leader, shift)  # leads another team's area
    assert {u.id for u in shifts.shift_leaders(shift)} == {patrol["leader"].id, deputy.id}


def test_close_shift_sends_the_report_to_the_queue_once(patrol):
    shift = patrol["shift"]
    with pytest.raises(shifts.PatrolError, match="not_leader"):
        shifts.close_shift(shift, "Quiet.", patrol["volunteers"][0])
    assert shift.closed_at is None and item_for("patrol_report", shift.id) is None
    after_start = shift.starts_at + dt.timedelta(minutes=5)
    shifts.close_shift(
        shift, "  Quiet night; a broken lamp by the gate.  ", patrol["leader"], now=after_start
    )
    assert (
        shift.report == "Quiet night; a broken lamp by the gate."
        and shift.closed_by_id == patrol["leader"].id
    )
    item = item_for("patrol_report", shift.id)
    # the line kept on the item is in the language it was queued in (the app's default, Chinese)
    assert item.status == "open" and item.summary == "巡逻点A: Quiet night; a broken lamp by the gate."
    assert item.grid_id == patrol["grid_a"].id
    with pytest.raises(shifts.PatrolError, match="already_closed"):
        shifts.close_shift(shift, "Again", patrol["leader"], now=after_start)
    assert shift.report == "Quiet night; a broken lamp by the gate."


def test_closing_twice_through_the_page_says_so(client, patrol, login):
    shift = patrol["shift"]
    shift.starts_at, shift.ends_at = utcnow() - dt.timedelta(hours=1), utcnow() + dt.timedelta(hours=1)
    db.session.commit()
    login(client, patrol["leader"])
    client.post(f"/patrols/shifts/{shift.id}/close", data={"report": "First report"})
    page = client.post(
        f"/patrols/shifts/{shift.id}/close", data={"report": "Second report"}, follow_redirects=True
    )
    assert b"That shift is already closed." in page.data
    db.session.refresh(shift)
    assert shift.report == "First report"
    outsider = patrol["volunteers"][1]
    login(client, outsider)
    assert client.post(f"/patrols/shifts/{shift.id}/close", data={"report": "x"}).status_code == 403


def test_take_swap_queues_it_for_the_team_that_approves_swaps(patrol):
    v0, _, v2 = patrol["volunteers"]
    # Point C lies in grid A, which two teams cover; only Team C asks to approve swaps.
    team_c = Team(name_en="Team C", grids=[patrol["grid_a"]], swaps_need_approval=True)
    db.session.add(team_c)
    db.session.flush()
    signup = shifts.sign_up(patrol["shift"], v0)
    swap = shifts.offer_swap(signup)
    assert shifts.take_swap(swap, v2) == "pending_approval"
    assert swap.status == "pending_approval" and swap.taken_by_id == v2.id and signup.status == "confirmed"
    item = item_for("swap_request", swap.id)
    assert item.team_id == team_c.id and item.summary == "Volunteer A0 → Volunteer A2"


def test_take_swap_without_approval_needs_no_queue(patrol):
    v0, v1, _ = patrol["volunteers"]
    swap = shifts.offer_swap(shifts.sign_up(patrol["shift"], v0))
    assert shifts.take_swap(swap, v1) == "done"
    assert item_for("swap_request", swap.id) is None


def test_taking_a_swap_through_the_page(client, patrol, login):
    patrol["team_a"].swaps_need_approval = True
    v0, v1, _ = patrol["volunteers"]
    swap = shifts.offer_swap(shifts.sign_up(patrol["shift"], v0))
    db.session.commit()
    login(client, v1)
    page = client.post(f"/patrols/swaps/{swap.id}/take", follow_redirects=True)
    assert b"waits for a leader" in page.data
    assert item_for("swap_request", swap.id).team_id == patrol["team_a"].id
    again = client.post(f"/patrols/swaps/{swap.id}/take", follow_redirects=True)
    assert b"no longer open" in again.data


def test_add_slot(patrol):
    v0 = patrol["volunteers"][0]
    slot = add_slot(v0.id, 2, dt.time(18), dt.time(21))
    assert (slot.weekday, slot.start_time, slot.end_time) == (2, dt.time(18), dt.time(21))
    for weekday, start, end in (
        (2, dt.time(21), dt.time(18)),
        (2, dt.time(9), dt.time(9)),
        (7, dt.time(9), dt.time(10)),
    ):
        with pytest.raises(shifts.PatrolError, match="bad_slot"):
            add_slot(v0.id, weekday, start, end)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Availability)) == 1


def test_availability_page(client, patrol, login):
    v0 = patrol["volunteers"][0]
    login(client, v0)
    client.post(
        "/patrols/profile/availability", data={"weekday": "1", "start_time": "08:00", "end_time": "10:00"}
    )
    page = client.post(
        "/patrols/profile/availability",
        data={"weekday": "1", "start_time": "10:00", "end_time": "08:00"},
        follow_redirects=True,
    )
    assert b"ends after it starts" in page.data
    slots = db.session.scalars(sa.select(Availability).where(Availability.user_id == v0.id)).all()
    assert [(s.weekday, s.start_time) for s in slots] == [(1, dt.time(8))]


def test_create_point(patrol):
    point = create_point(
        name_en=" Market gate ",
        name_zh=" 市场门口 ",
        lat=31.9,
        lon=119.9,
        radius_m=100,
        grid_id=patrol["grid_a"].id,
        team_id=None,
        base_weight=2.0,
        route=[(31.9, 119.9), (31.91, 119.91)],
    )
    assert point.id and (point.name_en, point.name_zh) == ("Market gate", "市场门口") and point.active
    assert point.route_points == [[31.9, 119.9], [31.91, 119.91]] and point.is_route


def test_new_point_page_checks_the_route(client, users, patrol, login):
    login(client, users["staff"])
    data = {
        "name_en": "Canal path",
        "name_zh": "运河步道",
        "lat": "31.9",
        "lon": "119.9",
        "radius_m": "150",
        "grid": str(patrol["grid_a"].id),
        "team": "",
        "base_weight": "1",
        "route": "31.9, 119.9\n31.91",
    }
    bad = client.post("/patrols/points/new", data=data)
    assert bad.status_code == 400 and b"latitude and a longitude separated by a comma" in bad.data
    assert db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == "Canal path")) is None
    assert (
        client.post(
            "/patrols/points/new", data={**data, "route": "31.9, 119.9\n\n31.91,119.91\n"}
        ).status_code
        == 302
    )
    point = db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == "Canal path"))
    assert point.route_points == [[31.9, 119.9], [31.91, 119.91]]


def test_team_application_is_queued_by_the_service(patrol, users):
    from tipboard.patrols import teams

    application = teams.apply(patrol["team_a"], users["resident"], " Hello ")
    item = item_for("team_application", application.id)
    assert item.team_id == patrol["team_a"].id and item.summary.endswith("→ Team A")
    with pytest.raises(shifts.PatrolError, match="already_applied"):
        teams.apply(patrol["team_a"], users["resident"], "again")


def _index_statements(client) -> int:
    from tests.sqlcount import statements

    with statements() as sent:
        response = client.get("/patrols/")
    assert response.status_code == 200
    return len(sent)


def test_patrol_home_page_asks_the_same_number_of_queries_however_many_rows(client, patrol, login):
    v0, v1, v2 = patrol["volunteers"]
    start = patrol["shift"].starts_at

    def add_rows(n, offset):
        for i in range(n):
            mine = make_shift(
                patrol["point_a"], start + dt.timedelta(days=offset + i, hours=1), title=f"Mine {offset + i}"
            )
            shifts.sign_up(mine, v0)
            theirs = make_shift(
                patrol["point_a"],
                start + dt.timedelta(days=offset + i, hours=5),
                title=f"Offered {offset + i}",
            )
            shifts.offer_swap(shifts.sign_up(theirs, v1 if i % 2 else v2), v0 if i % 3 == 0 else None)
        db.session.commit()

    # Offers the page must leave out: one's own, one for someone else, one in another team's area.
    own = shifts.offer_swap(shifts.sign_up(patrol["shift"], v0))
    shifts.offer_swap(
        shifts.sign_up(
            make_shift(patrol["point_a"], start + dt.timedelta(hours=12), title="For someone else"), v1
        ),
        v2,
    )
    other = make_shift(patrol["point_b"], start + dt.timedelta(hours=3), title="Other area")
    shifts.offer_swap(shifts.sign_up(other, patrol["outsider"]))
    add_rows(2, 1)
    login(client, v0)
    few = _index_statements(client)
    add_rows(6, 3)
    many = _index_statements(client)
    assert many == few
    page = client.get("/patrols/").data.decode()
    assert page.count("Take this shift") == 8 and "Offered 8" in page and "Mine 8" in page
    assert "For someone else" not in page.split("Swaps offered to you")[1].split("Open shifts")[0]
    assert "Other area" not in page and f"/patrols/swaps/{own.id}/take" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SwapRequest)) == 11
