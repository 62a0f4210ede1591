"""Suggested patrol points: clustering on known data, the away-from-points filter, accepting once,
dismissing remembered, a leader's read-only view of their own area, and the pages in Chinese."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.sqlcount import statements
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import hotspots
from tipboard.patrols.hotspots import Event, clusters, proposed_hours
from tipboard.patrols.models import HotspotDecision, Incident, PatrolPoint, ShiftTemplate
from tipboard.permissions import Role
from tipboard.timezones import from_local, local_now
from tipboard.tips.models import TipStatus

FAR = (31.9300, 119.9900)  # about 3 km from the patrol fixture's points
REF_LAT = 31.95


def _day(days_ago: int, hour: int) -> dt.datetime:
    local = local_now().replace(tzinfo=None, minute=10, second=0, microsecond=0) - dt.timedelta(days=days_ago)
    return from_local(local.replace(hour=hour))


def _incidents(lat, lon, n, hour=21, kind="theft", start_day=3):
    rows = [
        Incident(
            occurred_at=_day(start_day + i, hour),
            lat=lat + (i % 3) * 2e-4,
            lon=lon + (i % 2) * 2e-4,
            kind=kind,
            file_sha256="x" * 64,
        )
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _events(lat, lon, n, hour=21):
    return [
        Event(lat + (i % 3) * 1e-4, lon + (i % 2) * 1e-4, _day(i + 1, hour), "incident") for i in range(n)
    ]


# --- clustering on known data -------------------------------------------------------------------------


def test_clusters_group_nearby_events_and_leave_scattered_ones_out():
    a = _events(31.9400, 119.9800, 6)
    b = _events(31.9600, 119.9500, 5)
    scattered = [Event(31.91 + i * 0.01, 119.91, _day(2, 10), "tip") for i in range(3)]
    groups = clusters(a + b + scattered, REF_LAT)
    assert sorted(len(g) for g in groups) == [5, 6]
    assert {e.lat for e in max(groups, key=len)} == {e.lat for e in a}


def test_a_lone_event_next_to_a_busy_square_joins_its_cluster_and_distant_ones_do_not():
    busy = _events(31.9400, 119.9800, 4)
    neighbour = Event(31.9400 + 0.0016, 119.9800, _day(1, 21), "tip")  # about 180 m north: the next square
    far = Event(31.9400 + 0.0100, 119.9800, _day(1, 21), "tip")  # about 1.1 km
    groups = clusters(busy + [neighbour, far], REF_LAT)
    assert len(groups) == 1 and len(groups[0]) == 5 and far not in groups[0]


def test_two_busy_squares_far_apart_stay_two_clusters():
    groups = clusters(_events(31.9400, 119.9800, 3) + _events(31.9400, 119.9900, 3), REF_LAT)
    assert len(groups) == 2


def test_the_hours_proposed_are_the_busiest_window_of_each_busy_band():
    events = [Event(31.94, 119.98, _day(i + 1, h), "tip") for i, h in enumerate([20, 21, 21, 22, 22, 3])]
    assert proposed_hours(events) == [(20, 23)]
    events += [Event(31.94, 119.98, _day(i + 1, 8), "tip") for i in range(3)]
    assert proposed_hours(events) == [(6, 9), (20, 23)]


# --- suggestions ----------------------------------------------------------------------------------------


def test_a_cluster_near_an_active_point_is_not_suggested_one_away_from_every_point_is(app_ctx, patrol):
    point = patrol["point_a"]
    _incidents(point.lat + 0.001, point.lon, 6)  # about 110 m from point A
    _incidents(*FAR, 6)
    spots = hotspots.suggestions()
    assert len(spots) == 1
    assert spots[0].count == 6 and abs(spots[0].lat - FAR[0]) < 0.001
    assert spots[0].incidents == 6 and spots[0].bands["evening"] == 6
    assert spots[0].hours == [(19, 22)]


def test_retiring_the_nearby_point_brings_its_cluster_back(app_ctx, patrol):
    point = patrol["point_a"]
    _incidents(point.lat + 0.001, point.lon, 6)
    assert hotspots.suggestions() == []
    point.active = False
    db.session.flush()
    assert len(hotspots.suggestions()) == 1


def test_verified_tips_count_unverified_and_old_ones_do_not(app_ctx, patrol):
    category = CategoryFactory()
    for i in range(5):
        TipFactory(category=category, lat=FAR[0], lon=FAR[1] + i * 1e-4, status=TipStatus.VERIFIED.value)
    for _ in range(5):
        TipFactory(category=category, lat=FAR[0], lon=FAR[1], status=TipStatus.NEW.value)
    db.session.flush()
    spots = hotspots.suggestions()
    assert len(spots) == 1 and spots[0].tips == 5
    later = utcnow() + dt.timedelta(days=hotspots.WINDOW_DAYS + 1)
    assert hotspots.suggestions(now=later) == []


def test_too_few_events_make_no_suggestion(app_ctx, patrol):
    _incidents(*FAR, hotspots.MIN_EVENTS - 1)
    assert hotspots.suggestions() == []


# --- accept and dismiss through the pages ------------------------------------------------------------------


@pytest.fixture
def staff_client(app, patrol, login):
    return login(app.test_client(), UserFactory(roles=(Role.STAFF,)))


def _accept_data(patrol, **over):
    data = {
        "name_en": "Canal Road night market",
        "name_zh": "运河路夜市",
        "lat": "31.9301",
        "lon": "119.9901",
        "radius_m": "200",
        "grid": str(patrol["grid_a"].id),
        "team": "",
        "hours": "20:00-23:00\n06:00-08:00",
        "weekdays": ["4", "5"],
    }
    data.update(over)
    return data


def test_accepting_makes_the_point_and_its_templates_once(app, patrol, staff_client):
    _incidents(*FAR, 6)
    spot = hotspots.suggestions()[0]
    page = staff_client.get(f"/patrols/hotspots/{spot.key}/accept")
    assert page.status_code == 200 and "19:00-22:00" in page.data.decode()
    response = staff_client.post(f"/patrols/hotspots/{spot.key}/accept", data=_accept_data(patrol))
    assert response.status_code == 302
    point = db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == "Canal Road night market"))
    assert point is not None and point.active and point.radius_m == 200 and point.lat == 31.9301
    templates = db.session.scalars(
        sa.select(ShiftTemplate).where(ShiftTemplate.point_id == point.id).order_by(ShiftTemplate.start_time)
    ).all()
    assert [(t.start_time, t.end_time, t.weekdays) for t in templates] == [
        (dt.time(6), dt.time(8), [4, 5]),
        (dt.time(20), dt.time(23), [4, 5]),
    ]
    again = staff_client.post(
        f"/patrols/hotspots/{spot.key}/accept", data=_accept_data(patrol), follow_redirects=True
    )
    assert "no longer open" in again.data.decode()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(PatrolPoint.id)).where(PatrolPoint.name_en == point.name_en)
        )
        == 1
    )
    assert db.session.scalar(sa.select(sa.func.count(HotspotDecision.id))) == 1
    assert hotspots.suggestions() == []  # the new point covers the cluster


def test_a_second_decision_on_the_same_cluster_state_is_refused(app_ctx, patrol):
    """Two staff accepting at once: the decision row is unique per cluster state."""
    _incidents(*FAR, 6)
    spot = hotspots.suggestions()[0]
    kwargs = dict(
        name_en="X",
        name_zh="X",
        lat=FAR[0],
        lon=FAR[1],
        radius_m=150,
        grid_id=patrol["grid_a"].id,
        team_id=None,
    )
    hotspots.accept(spot, None, hours=[(dt.time(19), dt.time(22))], weekdays=[0], **kwargs)
    with pytest.raises(hotspots.HotspotError) as refused:
        hotspots.accept(spot, None, hours=[(dt.time(19), dt.time(22))], weekdays=[0], **kwargs)
    assert refused.value.code == "already_decided"
    assert db.session.scalar(sa.select(sa.func.count(PatrolPoint.id)).where(PatrolPoint.name_en == "X")) == 1


def test_bad_hours_are_a_form_message(app, patrol, staff_client):
    _incidents(*FAR, 6)
    spot = hotspots.suggestions()[0]
    response = staff_client.post(
        f"/patrols/hotspots/{spot.key}/accept", data=_accept_data(patrol, hours="evening")
    )
    assert response.status_code == 400 and "19:00-22:00" in response.data.decode()
    assert (
        db.session.scalar(sa.select(sa.func.count(PatrolPoint.id)).where(PatrolPoint.name_en.like("Canal%")))
        == 0
    )


def test_a_dismissed_cluster_stays_away_until_new_incidents_arrive(app, patrol, staff_client):
    _incidents(*FAR, 6)
    spot = hotspots.suggestions()[0]
    response = staff_client.post(
        f"/patrols/hotspots/{spot.key}/dismiss", data={"reason": "A private car park"}
    )
    assert response.status_code == 302
    decision = db.session.scalar(sa.select(HotspotDecision))
    assert decision.decision == "dismissed" and decision.reason == "A private car park"
    assert hotspots.suggestions() == []
    _incidents(*FAR, 1, start_day=1)  # newer than anything dismissed, in the same square
    assert len(hotspots.suggestions()) == 1


def test_dismissing_needs_a_reason(app, patrol, staff_client):
    _incidents(*FAR, 6)
    db.session.commit()  # the refused request rolls back its own changes only
    spot = hotspots.suggestions()[0]
    staff_client.post(f"/patrols/hotspots/{spot.key}/dismiss", data={"reason": ""})
    assert db.session.scalar(sa.select(sa.func.count(HotspotDecision.id))) == 0
    assert len(hotspots.suggestions()) == 1


def test_the_list_works_without_scripts_and_offers_the_decisions_to_staff(app, patrol, staff_client):
    _incidents(*FAR, 6)
    spot = hotspots.suggestions()[0]
    page = staff_client.get("/patrols/hotspots").data.decode()
    assert f"/patrols/hotspots/{spot.key}/accept" in page and f"/patrols/hotspots/{spot.key}/dismiss" in page
    assert "19:00–22:00" in page and 'data-evening="6"' in page


# --- access ------------------------------------------------------------------------------------------------


def test_a_leader_sees_their_own_area_read_only_and_not_another_teams(app, patrol, login):
    grid_a, grid_b = patrol["grid_a"], patrol["team_b"].grids[0]
    grid_a.center_lat, grid_a.center_lon = FAR
    grid_b.center_lat, grid_b.center_lon = 31.9700, 119.9300
    _incidents(*FAR, 6)  # nearest grid A
    _incidents(31.9700, 119.9300, 6, hour=2)  # nearest grid B
    db.session.commit()
    page = login(app.test_client(), patrol["leader"]).get("/patrols/hotspots")
    text = page.data.decode()
    assert page.status_code == 200
    own = hotspots.suggestions(grid_ids=[grid_a.id])
    assert text.count('class="card hotspot"') == 1 and f'id="hotspot-{own[0].key}"' in text
    assert "/accept" not in text and "/dismiss" not in text
    keys = [s.key for s in hotspots.suggestions()]
    assert len(keys) == 2
    client = login(app.test_client(), patrol["leader"])
    assert client.get(f"/patrols/hotspots/{keys[0]}/accept").status_code == 403
    assert client.post(f"/patrols/hotspots/{keys[0]}/dismiss", data={"reason": "x"}).status_code == 403


def test_volunteers_are_refused_the_suggestions(app, patrol, login):
    client = login(app.test_client(), patrol["volunteers"][0])
    assert client.get("/patrols/hotspots").status_code == 403


# --- Chinese -----------------------------------------------------------------------------------------------


def test_the_suggestions_read_in_chinese(app, patrol, login):
    _incidents(*FAR, 6)
    staff_client = login(app.test_client(), UserFactory(roles=(Role.STAFF,), locale="zh_Hans"))
    page = staff_client.get("/patrols/hotspots").data.decode()
    assert "建议巡逻点" in page and "晚间" in page and "不采纳" in page
    spot = hotspots.suggestions()[0]
    assert "接受建议" in staff_client.get(f"/patrols/hotspots/{spot.key}/accept").data.decode()


# --- cost ----------------------------------------------------------------------------------------------------


def test_the_statements_do_not_grow_with_the_events(app_ctx, patrol):
    _incidents(*FAR, 6)
    with statements() as few:
        hotspots.suggestions()
    _incidents(31.9700, 119.9300, 60)
    with statements() as many:
        hotspots.suggestions()
    assert len(few) == len(many) <= 6


def test_the_window_reads_incidents_through_the_index_led_by_their_time(app_ctx):
    since = utcnow() - dt.timedelta(days=hotspots.WINDOW_DAYS)
    query = sa.select(Incident.lat, Incident.lon, Incident.occurred_at).where(Incident.occurred_at >= since)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        plan = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    else:
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = db.session.execute(sa.text(f"EXPLAIN {compiled}")).all()
    plan = " ".join(str(row) for row in plan)
    if db.engine.dialect.name == "sqlite":
        assert "INDEX sqlite_autoindex_incident_1 (occurred_at>?)" in plan, plan
    else:
        assert "Index Cond: (occurred_at >=" in plan and "uq_incident_occurred_at_lat_lon_kind" in plan, plan
