import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from tests.factories import GridFactory, UserFactory
from tipboard.extensions import db
from tipboard.jobs import JOBS, JobRun, make_trigger
from tipboard.outbox import OutboxMessage
from tipboard.patrols import shifts
from tipboard.patrols.models import MemberRole, PatrolPoint, Shift, SignUp, Team
from tipboard.patrols.teams import add_member
from tipboard.roster import build
from tipboard.roster.models import RosterRun
from tipboard.timezones import from_local

WEEK = dt.date(2031, 3, 3)  # a Monday far enough ahead that every shift is in the future


def seed_week(n_volunteers=6, leaders=2):
    grid = GridFactory()
    team = Team(name_en=f"Roster team {grid.id}", grids=[grid])
    db.session.add(team)
    db.session.flush()
    people = []
    for i in range(n_volunteers):
        user = UserFactory(name=f"V{i}")
        add_member(team, user, MemberRole.LEADER if i < leaders else MemberRole.MEMBER)
        people.append(user)
    point = PatrolPoint(name_en="Market gate", lat=31.95, lon=119.96, grid_id=grid.id)
    db.session.add(point)
    db.session.flush()
    made = []
    for day in range(3):
        start = from_local(dt.datetime.combine(WEEK + dt.timedelta(days=day), dt.time(19)))
        made.append(
            Shift(
                point_id=point.id,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                min_volunteers=2,
                max_volunteers=3,
                requires_leader=True,
            )
        )
    db.session.add_all(made)
    db.session.commit()
    return team, people, made


def test_build_once_then_publish(app_ctx):
    team, people, made = seed_week()
    run = build.build_week(WEEK)
    db.session.commit()
    assert run is not None and run.staffed == 3 and run.wanted == 3 and run.state == "draft"
    assert run.solver_status == "optimal" and run.coverage_pct == 100.0
    assert build.build_week(WEEK + dt.timedelta(days=2)) is None  # same week: the guard holds
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterRun)) == 1
    made_count = build.publish(run, people[0])
    db.session.commit()
    signups = db.session.scalars(sa.select(SignUp).where(SignUp.source == "roster")).all()
    assert len(signups) == len(run.assignments)
    assert made_count == len({s.user_id for s in signups}) < len(signups)  # people, not shifts
    for shift in made:
        db.session.refresh(shift)
        leaders_on = [
            s for s in signups if s.shift_id == shift.id and s.user_id in {p.id for p in people[:2]}
        ]
        assert 2 <= shift.confirmed_count <= 3 and leaders_on
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.key == "roster.assigned")
        )
        == len(signups)  # one message per shift
    )


def test_explains_gaps_and_refuses_illegal_edits(app_ctx):
    team, people, made = seed_week(n_volunteers=3, leaders=0)
    run = build.build_week(WEEK)
    assert run.staffed == 0 and {g.reason for g in run.gaps} == {"no_leader"}
    try:
        build.edit(run, made[0].id, people[0].id, True, people[0])
    except build.RosterError as exc:
        assert exc.code == "violates" and "no leader" in exc.detail
    else:
        raise AssertionError("an edit that leaves a shift without its leader must be refused")


def test_an_edit_naming_someone_outside_the_teams_is_refused_not_a_crash(app_ctx):
    _team, people, made = seed_week()
    run = build.build_week(WEEK)
    outsider = UserFactory()
    with pytest.raises(build.RosterError) as refused:
        build.edit(run, made[0].id, outsider.id, True, people[0])
    assert refused.value.code == "violates" and "no team" in refused.value.detail


def test_rebuild_replaces_the_draft_on_purpose(app_ctx):
    seed_week()
    run = build.build_week(WEEK)
    new = build.rebuild_draft(run, None)
    db.session.refresh(run)
    assert run.state == "superseded" and new.state == "draft" and new.week == run.week
    try:
        build.rebuild_draft(run, None)
    except build.RosterError as exc:
        assert exc.code == "not_draft"


def test_two_builds_at_once_make_one_roster(fresh_app):
    with fresh_app.app_context():
        seed_week()
    barrier = threading.Barrier(2, timeout=60)
    results = []

    def worker():
        barrier.wait()
        with fresh_app.app_context():
            run = build.build_week(WEEK)
            db.session.commit()
            results.append(run is not None)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == [False, True]
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterRun)) == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(JobRun).where(JobRun.job == "roster.build")
            )
            == 1
        )


def test_the_cron_job_and_cli(app, runner, app_ctx):
    trigger = make_trigger(app, JOBS["roster.build"])
    assert (
        str(trigger.timezone) == "Asia/Shanghai"
        and "day_of_week='sun'" in str(trigger)
        and "hour='18'" in str(trigger)
    )
    from apscheduler.schedulers.background import BackgroundScheduler

    from tipboard.jobs import build_scheduler

    job = build_scheduler(app, BackgroundScheduler).get_job("roster.build")
    assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time == 6 * 3600
    seed_week()
    result = runner.invoke(args=["roster", "build", "--week", WEEK.isoformat()])
    assert result.exit_code == 0 and "staffed" in result.output
    again = runner.invoke(args=["roster", "build", "--week", WEEK.isoformat()])
    assert "already built" in again.output
    assert runner.invoke(args=["roster", "build", "--week", "next tuesday"]).exit_code != 0


def test_a_misfired_job_runs_once(app):
    """The scheduler coalesces missed runs into one; the guard makes even a repeat a no-op."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from tipboard.jobs import build_scheduler

    job = build_scheduler(app, BackgroundScheduler).get_job("roster.build")
    assert job.coalesce is True
    with app.app_context():
        first, second = JOBS["roster.build"].func(), JOBS["roster.build"].func()
        assert "roster already built" in second and "already built" not in first


def test_drop_out_of_a_published_roster_is_repaired(app_ctx):
    team, people, made = seed_week(n_volunteers=8, leaders=3)
    run = build.build_week(WEEK)
    build.publish(run, None)
    db.session.commit()
    rostered = db.session.scalars(
        sa.select(SignUp).where(SignUp.source == "roster", SignUp.shift_id == made[0].id)
    ).all()
    leaving = next(s for s in rostered if s.user_id not in {p.id for p in people[:3]})
    before = {s.user_id for s in rostered}
    shifts.drop_out(leaving, leaving.user)
    after = {
        s.user_id
        for s in db.session.scalars(
            sa.select(SignUp).where(SignUp.shift_id == made[0].id, SignUp.status == "confirmed")
        )
    }
    others = {
        s.shift_id: s.user_id
        for s in db.session.scalars(sa.select(SignUp).where(SignUp.shift_id != made[0].id))
    }
    assert leaving.user_id not in after and len(after) >= 2
    assert before - {leaving.user_id} <= after  # nobody else moved
    assert others == {
        s.shift_id: s.user_id
        for s in db.session.scalars(sa.select(SignUp).where(SignUp.shift_id != made[0].id))
    }


def test_leader_pages_and_button(client, users, login, app_ctx):
    seed_week()
    login(client, users["volunteer"])
    assert client.get("/roster/").status_code == 403
    login(client, users["leader"])
    assert client.get("/roster/").status_code == 200
    assert client.post("/roster/build").status_code == 403  # the station-wide roster is staff's
    login(client, users["staff"])
    response = client.post("/roster/build")
    assert response.status_code == 302


def test_a_leader_edits_only_their_own_teams_patrols(client, app, app_ctx, login):
    team, people, made = seed_week()
    run = build.build_week(WEEK)
    db.session.commit()
    assignment = run.assignments[0]
    other_team = Team(name_en="Elsewhere", grids=[GridFactory()])
    db.session.add(other_team)
    outsider = UserFactory(roles=(__import__("tipboard.permissions", fromlist=["Role"]).Role.LEADER,))
    add_member(other_team, outsider, MemberRole.LEADER)
    db.session.commit()
    login(client, outsider)
    response = client.post(
        f"/roster/{run.id}/edit",
        data={"shift_id": assignment.shift_id, "user_id": assignment.user_id, "op": "remove"},
    )
    assert response.status_code == 403
    own_leader = app.test_client()
    login(own_leader, people[0])
    response = own_leader.post(
        f"/roster/{run.id}/edit",
        data={"shift_id": assignment.shift_id, "user_id": assignment.user_id, "op": "remove"},
    )
    assert response.status_code == 302
