"""The two hard rules that leaked: rest around shifts people already confirmed (this week and over
the week boundary), and leading per team."""

import datetime as dt

from tests.factories import GridFactory, UserFactory
from tests.roster.test_weekly_build import WEEK, seed_week
from tipboard.extensions import db
from tipboard.patrols.models import MemberRole, PatrolPoint, Shift, SignUp, Team
from tipboard.patrols.teams import add_member
from tipboard.roster import build, validate
from tipboard.roster.instance import Instance, Person, Slot, leads
from tipboard.timezones import from_local


def shift_at(point, day: dt.date, hour: int, hours: int = 2, **kwargs) -> Shift:
    start = from_local(dt.datetime.combine(day, dt.time(hour)))
    shift = Shift(
        point_id=point.id,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        min_volunteers=kwargs.get("min_volunteers", 1),
        max_volunteers=kwargs.get("max_volunteers", 2),
        requires_leader=kwargs.get("requires_leader", False),
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def test_rest_holds_after_a_confirmed_sunday_night_shift(app_ctx):
    """Sunday 21-23 of the week before, confirmed by hand: Monday 07:00 is too soon for that person."""
    team, people, made = seed_week()
    point = db.session.get(PatrolPoint, made[0].point_id)
    sunday_night = shift_at(point, WEEK - dt.timedelta(days=1), 21)
    monday_early = shift_at(point, WEEK, 7)
    tuesday_early = shift_at(point, WEEK + dt.timedelta(days=1), 7)
    db.session.add(SignUp(shift_id=sunday_night.id, user_id=people[2].id, status="confirmed"))
    db.session.commit()
    instance, _shifts = build.instance_for_week(WEEK)
    tired = next(p for p in instance.people if p.id == people[2].id)
    rested = next(p for p in instance.people if p.id == people[3].id)
    assert monday_early.id not in tired.available and tuesday_early.id in tired.available
    assert monday_early.id in rested.available


def test_rest_holds_around_a_shift_confirmed_this_week(app_ctx):
    """A volunteer signed up for Wednesday 21-23 is not rostered for Thursday 07:00."""
    team, people, made = seed_week()
    point = db.session.get(PatrolPoint, made[0].point_id)
    wednesday_late = shift_at(point, WEEK + dt.timedelta(days=2), 21, min_volunteers=2)
    thursday_early = shift_at(point, WEEK + dt.timedelta(days=3), 7)
    db.session.add(SignUp(shift_id=wednesday_late.id, user_id=people[4].id, status="confirmed"))
    db.session.commit()
    instance, _shifts = build.instance_for_week(WEEK)
    person = next(p for p in instance.people if p.id == people[4].id)
    assert thursday_early.id not in person.available
    run = build.build_week(WEEK)
    on_thursday = {a.user_id for a in run.assignments if a.shift_id == thursday_early.id}
    assert people[4].id not in on_thursday


def test_a_leader_of_another_team_does_not_lead_this_teams_patrol(app_ctx):
    """Someone who leads team B and is a plain member of team A is no leader on team A's shifts."""
    grid_a, grid_b = GridFactory(), GridFactory()
    team_a, team_b = Team(name_en="Team A", grids=[grid_a]), Team(name_en="Team B", grids=[grid_b])
    db.session.add_all([team_a, team_b])
    db.session.flush()
    both = UserFactory(name="Leads B")
    add_member(team_b, both, MemberRole.LEADER)
    add_member(team_a, both, MemberRole.MEMBER)
    for i in range(3):
        add_member(team_a, UserFactory(name=f"A{i}"), MemberRole.MEMBER)
    point = PatrolPoint(name_en="A's corner", lat=31.95, lon=119.96, grid_id=grid_a.id)
    db.session.add(point)
    db.session.flush()
    shift = shift_at(point, WEEK, 19, min_volunteers=2, max_volunteers=3, requires_leader=True)
    db.session.commit()
    run = build.build_week(WEEK)
    assert run.staffed == 0 and {(g.shift_id, g.reason) for g in run.gaps} == {(shift.id, "no_leader")}
    instance, _shifts = build.instance_for_week(WEEK)
    slot = next(s for s in instance.slots if s.id == shift.id)
    leader = next(p for p in instance.people if p.id == both.id)
    assert leader.is_leader and not leads(leader, slot)
    members = {p.id for p in instance.people if slot.id in p.available}
    problems = validate.violations(instance, {shift.id: set(list(members)[:3]) | {both.id}})
    assert any(p.rule == validate.Rule.NO_LEADER for p in problems)
    # Made a leader of team A too, the same person now leads the patrol.
    team_a.membership(both).role = MemberRole.LEADER.value
    db.session.commit()
    instance, _shifts = build.instance_for_week(WEEK)
    leader = next(p for p in instance.people if p.id == both.id)
    assert leads(leader, next(s for s in instance.slots if s.id == shift.id))


def test_leads_is_per_team_in_the_solver_instance():
    slot = Slot(
        id=1,
        point_id=1,
        start=dt.datetime(2031, 3, 3, 19),
        end=dt.datetime(2031, 3, 3, 21),
        min_people=1,
        max_people=2,
        requires_leader=True,
        weight=1.0,
        teams=frozenset({1}),
    )
    other = Person(1, frozenset({1, 2}), True, 2, frozenset({1}), lead_teams=frozenset({2}))
    own = Person(2, frozenset({1}), True, 2, frozenset({1}), lead_teams=frozenset({1}))
    assert not leads(other, slot) and leads(own, slot)
    instance = Instance(people=[other, own], slots=[slot])
    assert validate.violations(instance, {1: {1}})[0].rule == validate.Rule.NO_LEADER
    assert validate.violations(instance, {1: {2}}) == []
