"""The rules that follow how volunteers live, each in the heuristic AND the HiGHS model: a weekly
cap on hours, at most N days in a row (confirmed days count), no late shifts for those who ask, a
new volunteer only with an experienced one (else the gap says so); and, soft, nights and weekends
shared by who had fewest lately, and patrolling near home or work."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipboard.roster import generate, greedy, heuristic, solver, validate
from tipboard.roster.explain import GapReason, explain
from tipboard.roster.instance import Instance, Person, Slot
from tipboard.roster.validate import Rule

MONDAY = dt.datetime(2026, 11, 30)


def slot(sid, day=0, start=19, hours=2, min_people=1, max_people=1, point=1, late=False, weekend=False):
    begin = MONDAY + dt.timedelta(days=day, hours=start)
    return Slot(
        sid,
        point,
        begin,
        begin + dt.timedelta(hours=hours),
        min_people,
        max_people,
        False,
        1.0,
        late=late,
        weekend=weekend,
    )


def person(pid, available, **kwargs):
    kwargs.setdefault("max_per_week", 7)
    return Person(id=pid, team_ids=frozenset({1}), is_leader=False, available=frozenset(available), **kwargs)


def by_solver(instance):
    return solver.solve(instance, time_limit=10, rel_gap=0.0).assignments


def by_heuristic(instance):
    return heuristic.heuristic(instance)


BOTH = pytest.mark.parametrize("roster", [by_heuristic, by_solver], ids=["heuristic", "solver"])


def shifts_of(assignments, pid):
    return sorted(sid for sid, members in assignments.items() if pid in members)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.integers(min_value=3, max_value=30),
    points=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_the_solver_and_the_heuristic_keep_every_hard_rule_with_wishes(people, points, seed):
    instance = generate.instance(people, points, seed=seed, days=7, wishes=True)
    for assignments in (by_solver(instance), by_heuristic(instance), greedy.greedy(instance)):
        assert validate.violations(instance, assignments) == []


@BOTH
def test_the_weekly_cap_on_hours_holds(roster):
    # Three 3-hour evenings, one person with room for 3 shifts but only 6 hours.
    instance = Instance(
        people=[person(1, {1, 2, 3}, max_hours=6.0)],
        slots=[slot(1, 0, hours=3), slot(2, 2, hours=3), slot(3, 4, hours=3)],
    )
    assignments = roster(instance)
    assert len(shifts_of(assignments, 1)) == 2
    assert validate.violations(instance, assignments) == []
    over = {1: {1}, 2: {1}, 3: {1}}
    assert [v.rule for v in validate.violations(instance, over)] == [Rule.WEEKLY_HOURS]


@BOTH
def test_at_most_so_many_days_in_a_row_counting_days_already_worked(roster):
    slots = [slot(i + 1, i) for i in range(6)]
    sunday_before = (MONDAY.date() - dt.timedelta(days=1)).toordinal()
    instance = Instance(
        people=[person(1, {s.id for s in slots}, worked_days=frozenset({sunday_before}))],
        slots=slots,
        max_consecutive_days=3,
    )
    assignments = roster(instance)
    days = {s.start.date().toordinal() for s in slots if 1 in assignments.get(s.id, ())} | {sunday_before}
    longest = max(
        sum(1 for k in range(7) if d + k in days and all(d + j in days for j in range(k + 1))) for d in days
    )
    assert longest <= 3
    assert len(shifts_of(assignments, 1)) >= 4  # e.g. Mon Tue, Thu Fri Sat: the rule binds, no more
    assert validate.violations(instance, assignments) == []
    four = {1: {1}, 2: {1}, 3: {1}}  # Sunday already worked, then Monday to Wednesday
    assert [v.rule for v in validate.violations(instance, four)] == [Rule.DAYS_IN_ROW]


@BOTH
def test_no_late_shift_for_those_who_asked(roster):
    instance = Instance(
        people=[person(1, {1, 2}, avoid_late=True), person(2, {2})],
        slots=[slot(1, 0, start=21, late=True), slot(2, 1, start=21, late=True)],
    )
    assignments = roster(instance)
    assert 1 not in assignments[1] and assignments[2] == {2}
    assert [v.rule for v in validate.violations(instance, {1: {1}})] == [Rule.LATE]


@BOTH
def test_a_new_volunteer_goes_out_with_an_experienced_one(roster):
    new, old = person(1, {1, 2}, experienced=False), person(2, {2})
    instance = Instance(people=[new, old], slots=[slot(1, 0, max_people=2), slot(2, 1, max_people=2)])
    assignments = roster(instance)
    assert assignments[1] == set()  # only the new volunteer is free then
    assert old.id in assignments[2]
    assert explain(instance, assignments)[1] == GapReason.ONLY_NEW
    assert [v.rule for v in validate.violations(instance, {1: {1}})] == [Rule.NEW_ALONE]


@BOTH
def test_nights_go_to_who_had_fewest_lately(roster):
    # Person 1 would come first (lower id, same load) but had three nights in the last four weeks.
    instance = Instance(
        people=[person(1, {1}, past_nights=3), person(2, {1})], slots=[slot(1, 0, start=21, late=True)]
    )
    assert roster(instance)[1] == {2}


@BOTH
def test_weekends_go_to_who_had_fewest_lately(roster):
    instance = Instance(
        people=[person(1, {1}, past_weekends=3), person(2, {1})], slots=[slot(1, 5, weekend=True)]
    )
    assert roster(instance)[1] == {2}


@BOTH
def test_people_patrol_near_home_when_they_say_so(roster):
    instance = Instance(
        people=[person(1, {1}), person(2, {1}, preferred_points=frozenset({7}))], slots=[slot(1, 0, point=7)]
    )
    assert roster(instance)[1] == {2}


def test_a_person_who_avoids_late_shifts_is_not_offered_them():
    late = slot(1, 0, start=21, late=True)
    instance = Instance(people=[person(1, {1}, avoid_late=True)], slots=[late])
    assert instance.people[0].available == frozenset()
