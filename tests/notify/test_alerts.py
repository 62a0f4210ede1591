"""Hazard alerts for the areas residents watch, and leaders' messages to a team or a shift."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tipboard.extensions import db
from tipboard.notify.alerts import add_watch
from tipboard.notify.models import AlertWatch
from tipboard.outbox import OutboxMessage
from tipboard.patrols.models import PatrolPoint, Shift, SignUp, Team, TeamMember
from tipboard.permissions import Role
from tipboard.tips.workflow import TipAction, transition


def _messages(user, key):
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id, OutboxMessage.key == key)
    ).all()


def test_publishing_a_hazard_alerts_the_people_watching_its_place(app_ctx):
    staff = UserFactory(roles=(Role.STAFF,))
    wires, fraud = CategoryFactory(), CategoryFactory()
    grid = GridFactory()
    near, far, other_kind, by_grid, twice = (UserFactory() for _ in range(5))
    chinese = UserFactory(locale="zh_Hans")
    add_watch(chinese, grid_id=grid.id)
    add_watch(near, lat=31.951, lon=119.961, radius_m=500)
    add_watch(far, lat=31.99, lon=120.01, radius_m=500)
    add_watch(other_kind, lat=31.95, lon=119.96, radius_m=500, category_ids=[fraud.id])
    add_watch(by_grid, grid_id=grid.id, category_ids=[wires.id])
    add_watch(twice, lat=31.95, lon=119.96, radius_m=300)
    add_watch(twice, grid_id=grid.id)
    tip = TipFactory(category=wires, lat=31.95, lon=119.96, grid_id=grid.id)
    db.session.flush()
    transition(tip, TipAction.VERIFY, staff)
    assert len(_messages(near, "notify.hazard_alert")) == 1
    assert len(_messages(by_grid, "notify.hazard_alert")) == 1
    assert len(_messages(twice, "notify.hazard_alert")) == 1
    [to_chinese] = _messages(chinese, "notify.hazard_alert")
    assert to_chinese.render()[0] == f"您关注的区域有新隐患：{wires.name_zh}"
    assert _messages(far, "notify.hazard_alert") == [] and _messages(other_kind, "notify.hazard_alert") == []
    subject, body = _messages(near, "notify.hazard_alert")[0].render("en")
    assert subject == f"New hazard near you: {wires.name_en}" and "/tips/public" in body


def test_a_resident_adds_and_removes_watches_on_the_alerts_page(app_ctx, client, login):
    me, other = UserFactory(), UserFactory()
    theirs = add_watch(other, lat=31.95, lon=119.96, radius_m=500)
    db.session.commit()
    login(client, me)
    assert client.get("/notify/alerts").status_code == 200
    response = client.post("/notify/alerts", data={"lat": "31.95", "lon": "119.96", "radius_m": "800"})
    assert response.status_code == 302
    [mine] = db.session.scalars(sa.select(AlertWatch).where(AlertWatch.user_id == me.id)).all()
    assert mine.radius_m == 800 and mine.grid_id is None
    # Each watched area is also offered as an Atom feed for a feed reader.
    feed = re.search(r'href="(/api/v1/hazards\.atom\?[^"]+)"', client.get("/notify/alerts").text).group(1)
    feed = feed.replace("&amp;", "&")
    assert "radius=800" in feed and client.get(feed).mimetype == "application/atom+xml"
    # Outside the station's area, or no area at all: refused with a reason.
    page = client.post("/notify/alerts", data={"lat": "39.9", "lon": "116.4", "radius_m": "800"})
    assert page.status_code == 400 and "outside the station" in page.get_data(as_text=True)
    assert client.post("/notify/alerts", data={"radius_m": "800"}).status_code == 400
    assert client.post(f"/notify/alerts/{theirs.id}/remove").status_code == 404  # not mine
    assert client.post(f"/notify/alerts/{mine.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).where(AlertWatch.user_id == me.id)) == 0


def _team(name, leader=None, members=()):
    team = Team(name_en=name)
    db.session.add(team)
    db.session.flush()
    if leader is not None:
        db.session.add(TeamMember(team_id=team.id, user_id=leader.id, role="leader"))
    for member in members:
        db.session.add(TeamMember(team_id=team.id, user_id=member.id, role="member"))
    db.session.flush()
    return team


def test_a_leader_messages_their_own_team_and_shift_only(app_ctx, client, login):
    leader = UserFactory(roles=(Role.LEADER,))
    a1, a2, b1, on_shift = (UserFactory(roles=(Role.VOLUNTEER,)) for _ in range(4))
    mine = _team("North", leader, [a1, a2])
    other = _team("South", None, [b1])
    point = PatrolPoint(name_en="Gate", lat=31.95, lon=119.96, team_id=mine.id, grid_id=GridFactory().id)
    db.session.add(point)
    db.session.flush()
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    shift = Shift(
        point_id=point.id, title="Night walk", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    db.session.add(shift)
    db.session.flush()
    db.session.add(SignUp(shift_id=shift.id, user_id=on_shift.id, status="confirmed"))
    db.session.commit()
    login(client, leader)
    page = client.get("/notify/broadcast").get_data(as_text=True)
    assert "North" in page and "South" not in page and "Night walk" in page
    response = client.post("/notify/broadcast", data={"audience": f"team:{mine.id}", "text": "Meet at 8"})
    assert response.status_code == 302
    assert [m.render("en")[1] for m in _messages(a1, "notify.broadcast")] == ["Meet at 8"]
    assert _messages(a2, "notify.broadcast") and not _messages(leader, "notify.broadcast")
    assert (
        client.post("/notify/broadcast", data={"audience": f"team:{other.id}", "text": "x"}).status_code
        == 400
    )
    assert _messages(b1, "notify.broadcast") == []
    client.post("/notify/broadcast", data={"audience": f"shift:{shift.id}", "text": "Bring torches"})
    assert [m.params["text"] for m in _messages(on_shift, "notify.broadcast")] == ["Bring torches"]


def test_staff_message_any_team_and_residents_none(app_ctx, client, login):
    staff, resident, b1 = (
        UserFactory(roles=(Role.STAFF,)),
        UserFactory(),
        UserFactory(roles=(Role.VOLUNTEER,)),
    )
    team = _team("East", None, [b1])
    db.session.commit()
    login(client, resident)
    assert client.get("/notify/broadcast").status_code == 403
    login(client, staff)
    assert (
        client.post("/notify/broadcast", data={"audience": f"team:{team.id}", "text": "Hello"}).status_code
        == 302
    )
    assert len(_messages(b1, "notify.broadcast")) == 1
