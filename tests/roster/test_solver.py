"""The solver's hard constraints on generated instances, explanations, repair, fairness, stability."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipboard.roster import generate, greedy, heuristic, repair, solver, validate
from tipboard.roster.explain import GapReason, explain
from tipboard.roster.solver import Instance, Person, Slot

MONDAY = dt.datetime(2026, 11, 30)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.integers(min_value=3, max_value=30),
    points=st.integers(min_value=1, max_value=5),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_every_hard_constraint_holds(people, points, seed):
    instance = generate.instance(people, points, seed=seed, days=4)
    result = solver.solve(instance, time_limit=10, rel_gap=0.0, with_lp_bound=False)
    assert result.status in ("optimal", "time_limit", "empty")
    assert validate.violations(instance, result.assignments) == []
    assert validate.violations(instance, greedy.greedy(instance)) == []
    assert validate.violations(instance, heuristic.heuristic(instance)) == []


def test_solver_beats_or_matches_greedy_and_reports_its_figures():
    instance = generate.instance(60, 6, seed=5)
    result = solver.solve(instance, time_limit=20, rel_gap=0.0, with_lp_bound=True)
    baseline = solver.summarise(instance, greedy.greedy(instance), status="greedy")
    assert result.status == "optimal" and result.coverage_pct >= baseline.coverage_pct
    assert result.lp_bound is not None and result.lp_bound >= result.objective - 1e-6
    assert result.dual_bound >= result.objective - 1e-6 and result.gap is not None
    assert 0 < result.jain <= 1 and result.load_min <= result.load_max
    assert result.wanted == len(instance.slots)


def slot(sid, day=0, start=19, hours=2, min_people=2, max_people=3, leader=True, weight=1.0, point=1):
    begin = MONDAY + dt.timedelta(days=day, hours=start)
    return Slot(
        id=sid,
        point_id=point,
        start=begin,
        end=begin + dt.timedelta(hours=hours),
        min_people=min_people,
        max_people=max_people,
        requires_leader=leader,
        weight=weight,
    )


def person(pid, available, leader=False, max_week=3, past=0):
    return Person(
        id=pid,
        team_ids=frozenset({1}),
        is_leader=leader,
        max_per_week=max_week,
        available=frozenset(available),
        past_load=past,
    )


def test_explanations_for_unstaffed_patrols():
    slots = [slot(1), slot(2, day=1), slot(3, day=2, leader=False), slot(4, day=3, leader=False)]
    people = [person(10, {2, 3}), person(11, {2, 3}), person(12, {4}, max_week=1)]
    instance = Instance(people=people, slots=slots)
    assignments = {1: set(), 2: set(), 3: {10, 11}, 4: set()}
    reasons = explain(instance, assignments)
    assert reasons[1] == GapReason.NOBODY_AVAILABLE
    assert reasons[2] == GapReason.NO_LEADER
    assert reasons[4] == GapReason.TOO_FEW
    assert 3 not in reasons
    busy = Instance(
        people=[person(20, {5, 6}, leader=True, max_week=1), person(21, {5, 6}, max_week=1)],
        slots=[slot(5), slot(6, day=1)],
    )
    # The one leader is at their maximum: that is the limit named, not "everyone".
    assert explain(busy, {5: {20, 21}, 6: set()})[6] == GapReason.LEADER_AT_MAX


def test_rest_between_a_late_and_an_early_shift():
    late = slot(1, day=0, start=21, hours=2, min_people=1, leader=False, weight=5)
    early = slot(2, day=1, start=6, hours=2, min_people=1, leader=False, weight=5)
    instance = Instance(people=[person(1, {1, 2})], slots=[late, early], min_rest_hours=10)
    result = solver.solve(instance, with_lp_bound=False)
    assert sum(len(m) for m in result.assignments.values()) == 1
    assert validate.violations(instance, {1: {1}, 2: {1}}) != []


def test_fairness_spreads_the_load_and_counts_past_weeks():
    slots = [slot(i, day=i, min_people=1, max_people=1, leader=False) for i in range(4)]
    people = [person(1, range(4), past=0), person(2, range(4), past=0)]
    result = solver.solve(Instance(people=people, slots=slots), with_lp_bound=False)
    assert result.load_min == result.load_max == 2
    tired = [person(1, range(4), past=8), person(2, range(4), past=0, max_week=4)]
    result = solver.solve(Instance(people=tired, slots=slots[:2]), with_lp_bound=False)
    assert result.assignments[0] | result.assignments[1] == {2}


def test_stability_keeps_an_edited_draft():
    slots = [slot(1, min_people=1, max_people=1, leader=False)]
    people = [person(1, {1}), person(2, {1})]
    for keep in (1, 2):
        result = solver.solve(Instance(people=people, slots=slots, current={1: {keep}}), with_lp_bound=False)
        assert result.assignments[1] == {keep}


def test_repair_refills_without_moving_anyone_else():
    slots = [slot(1, min_people=2), slot(2, day=1, min_people=2)]
    people = [person(1, {1, 2}, leader=True), person(2, {1}), person(3, {1, 2}), person(4, {2}, leader=True)]
    instance = Instance(people=people, slots=slots)
    roster = {1: {1}, 2: {4, 3}}  # person 2 dropped out of shift 1
    assert repair.repair(instance, roster, 1) == 2
    assert roster == {1: {1}, 2: {4, 3}}
    assert repair.repair(Instance(people=people[:1], slots=slots), {1: {1}, 2: set()}, 1) is None


def test_no_time_for_the_solver_still_gives_the_heuristic_roster():
    """A budget too short for HiGHS returns the heuristic roster, never an empty one."""
    instance = generate.instance(400, 20, seed=3)
    first_pass = solver.summarise(instance, heuristic.heuristic(instance, seconds=0), status="heuristic")
    result = solver.solve(instance, time_limit=0.01, rel_gap=0.0)
    assert first_pass.staffed > 0
    assert result.staffed >= first_pass.staffed and result.coverage_pct >= first_pass.coverage_pct
    assert validate.violations(instance, result.assignments) == []


def test_the_heuristic_staffs_more_than_the_old_greedy_and_the_solver_keeps_the_better():
    instance = generate.instance(300, 15, seed=7)
    old = solver.summarise(instance, greedy.greedy(instance), status="greedy")
    strong = solver.summarise(instance, heuristic.heuristic(instance), status="heuristic")
    result = solver.solve(instance, time_limit=20, rel_gap=0.0)
    assert strong.coverage_pct > old.coverage_pct
    assert result.coverage_pct >= strong.coverage_pct
    assert result.dual_bound is not None and result.objective <= result.dual_bound + 1e-6


def test_coverage_first_then_fairness_with_coverage_held():
    """Stage 2 spreads the load but never gives up a staffed patrol to do it."""
    slots = [slot(i, day=i, min_people=1, max_people=1, leader=False, weight=1.0) for i in range(3)]
    people = [person(1, {0, 1, 2}, past=20), person(2, {0}, max_week=1)]
    result = solver.solve(Instance(people=people, slots=slots), time_limit=10)
    assert result.staffed == 3 and result.assignments[0] == {2}
    assert result.assignments[1] == result.assignments[2] == {1}
