"""The weekly roster as a mixed-integer program, solved by HiGHS through ``scipy.optimize.milp``.

Variables: x[p,s] = 1 if person p patrols shift s (only for pairs where p is available and
eligible), y[s] = 1 if shift s is staffed, and z[p,k] (0..1) = "p's k-th shift this week", which
turns the load into a convex piecewise-linear fairness cost.

Hard constraints: min/max volunteers on a staffed shift; a leader on every staffed shift that
needs one; at most one shift per person per day; at most each person's weekly maximum; the
minimum rest between a late and an early shift.

Objective (maximised, in decreasing order of weight): priority-weighted coverage; fairness (each
extra shift costs more, starting from the last four weeks' load); preferences (own team's points,
preferred points); stability (keep the assignments of a draft leaders already edited).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections import defaultdict

import numpy as np

COVERAGE = 1000.0  # per unit of shift weight, for a staffed shift
FILL = 50.0  # per unit of shift weight, per person on it (more hands up to the maximum)
FAIRNESS = 10.0  # per step of the load ladder
PREFERENCE = 2.0
STABILITY = 1.0


@dataclasses.dataclass(frozen=True)
class Person:
    id: int
    team_ids: frozenset[int]
    is_leader: bool
    max_per_week: int
    available: frozenset[int]  # shift ids the person can do (availability and area)
    past_load: int = 0  # shifts in the last four weeks
    preferred_points: frozenset[int] = frozenset()


@dataclasses.dataclass(frozen=True)
class Slot:
    id: int
    point_id: int
    start: dt.datetime
    end: dt.datetime
    min_people: int
    max_people: int
    requires_leader: bool
    weight: float
    team_id: int | None = None  # the point's own team, if any


@dataclasses.dataclass
class Instance:
    people: list[Person]
    slots: list[Slot]
    min_rest_hours: float = 10.0
    current: dict[int, set[int]] = dataclasses.field(default_factory=dict)  # shift -> people (a draft)
    day_of: object = None  # callable(datetime) -> date in the station's zone

    def day(self, when: dt.datetime) -> dt.date:
        return self.day_of(when) if self.day_of else when.date()


@dataclasses.dataclass
class Result:
    assignments: dict[int, set[int]]  # shift id -> person ids
    status: str
    objective: float | None
    dual_bound: float | None
    gap: float | None
    lp_bound: float | None
    seconds: float
    coverage_pct: float
    staffed: int
    wanted: int
    load_min: int
    load_max: int
    jain: float
    idle_available: int


def pairs(instance: Instance) -> list[tuple[int, int]]:
    """(person index, slot index) for every assignment that is possible at all."""
    return [
        (pi, si)
        for pi, p in enumerate(instance.people)
        if p.max_per_week > 0
        for si, s in enumerate(instance.slots)
        if s.id in p.available
    ]


def rest_conflicts(instance: Instance) -> list[tuple[int, int]]:
    """Slot index pairs on different days too close together for one person."""
    rest = dt.timedelta(hours=instance.min_rest_hours)
    ordered = sorted(range(len(instance.slots)), key=lambda i: instance.slots[i].start)
    conflicts = []
    for a_pos, a in enumerate(ordered):
        sa_ = instance.slots[a]
        for b in ordered[a_pos + 1 :]:
            sb = instance.slots[b]
            if sb.start >= sa_.end + rest:
                break
            if instance.day(sa_.start) != instance.day(sb.start):
                conflicts.append((a, b))
    return conflicts


def solve(
    instance: Instance, *, time_limit: float = 30.0, rel_gap: float = 0.01, with_lp_bound: bool = True
) -> Result:
    # SciPy loads only when a roster is built, not in every web worker at start-up.
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    started = time.perf_counter()
    people, slots = instance.people, instance.slots
    xs = pairs(instance)
    n_x, n_y = len(xs), len(slots)
    ladder = [(pi, k) for pi, p in enumerate(people) for k in range(p.max_per_week)]
    n_z = len(ladder)
    n = n_x + n_y + n_z
    y0, z0 = n_x, n_x + n_y
    if n == 0:  # no shifts, or nobody who could take any
        return summarise(
            instance, {s.id: set() for s in slots}, status="empty", seconds=time.perf_counter() - started
        )

    c = np.zeros(n)
    for j, (pi, si) in enumerate(xs):
        person, slot = people[pi], slots[si]
        bonus = FILL * slot.weight
        if slot.point_id in person.preferred_points:
            bonus += PREFERENCE
        if slot.team_id is not None and slot.team_id in person.team_ids:
            bonus += PREFERENCE
        if person.id in instance.current.get(slot.id, ()):
            bonus += STABILITY
        c[j] = -bonus
    for si, slot in enumerate(slots):
        c[y0 + si] = -COVERAGE * slot.weight
    for j, (pi, k) in enumerate(ladder):
        c[z0 + j] = FAIRNESS * (people[pi].past_load + k + 1)

    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0

    def add(entries, lower, upper):
        nonlocal r
        for col, val in entries:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        lo.append(lower)
        hi.append(upper)
        r += 1

    by_slot, by_person = defaultdict(list), defaultdict(list)
    for j, (pi, si) in enumerate(xs):
        by_slot[si].append(j)
        by_person[pi].append(j)
    for si, slot in enumerate(slots):
        members = by_slot[si]
        # staffed * min <= sum x <= staffed * max
        add([(j, 1.0) for j in members] + [(y0 + si, -slot.min_people)], 0.0, np.inf)
        add([(j, 1.0) for j in members] + [(y0 + si, -slot.max_people)], -np.inf, 0.0)
        if slot.requires_leader:
            leaders = [j for j in members if people[xs[j][0]].is_leader]
            add([(j, 1.0) for j in leaders] + [(y0 + si, -1.0)], 0.0, np.inf)
    ladder_of = defaultdict(list)
    for j, (pi, _k) in enumerate(ladder):
        ladder_of[pi].append(z0 + j)
    for pi in range(len(people)):
        members = by_person[pi]
        if not members:
            continue
        per_day = defaultdict(list)
        for j in members:
            per_day[instance.day(slots[xs[j][1]].start)].append(j)
        for day_members in per_day.values():
            if len(day_members) > 1:
                add([(j, 1.0) for j in day_members], -np.inf, 1.0)
        # load = sum of the ladder steps, and at most the weekly maximum
        add([(j, 1.0) for j in members] + [(z, -1.0) for z in ladder_of[pi]], 0.0, 0.0)
    index = {pair: j for j, pair in enumerate(xs)}
    for a, b in rest_conflicts(instance):
        for pi in range(len(people)):
            ja, jb = index.get((pi, a)), index.get((pi, b))
            if ja is not None and jb is not None:
                add([(ja, 1.0), (jb, 1.0)], -np.inf, 1.0)

    matrix = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr() if r else None
    constraints = [LinearConstraint(matrix, np.array(lo), np.array(hi))] if r else []
    integrality = np.concatenate([np.ones(n_x + n_y), np.zeros(n_z)])
    bounds = Bounds(np.zeros(n), np.ones(n))
    options = {"time_limit": time_limit, "mip_rel_gap": rel_gap, "disp": False}
    res = milp(c, integrality=integrality, bounds=bounds, constraints=constraints, options=options)

    lp_bound = None
    if with_lp_bound and n:
        relaxed = milp(
            c,
            integrality=np.zeros(n),
            bounds=bounds,
            constraints=constraints,
            options={"time_limit": time_limit, "disp": False},
        )
        if relaxed.x is not None:
            lp_bound = -float(relaxed.fun)
    assignments: dict[int, set[int]] = {s.id: set() for s in slots}
    if res.x is not None:
        for j, (pi, si) in enumerate(xs):
            if res.x[j] > 0.5:
                assignments[slots[si].id].add(people[pi].id)
    status = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded", 4: "error"}.get(
        res.status, str(res.status)
    )
    if status == "time_limit" and res.x is None:
        status = "no_solution"
    dual, gap = getattr(res, "mip_dual_bound", None), getattr(res, "mip_gap", None)
    return summarise(
        instance,
        assignments,
        status=status,
        objective=-float(res.fun) if res.x is not None else None,
        dual_bound=-float(dual) if dual is not None and math.isfinite(dual) else None,
        gap=float(gap) if res.x is not None and gap is not None else None,
        lp_bound=lp_bound,
        seconds=time.perf_counter() - started,
    )


def summarise(
    instance: Instance,
    assignments: dict[int, set[int]],
    *,
    status: str,
    objective=None,
    dual_bound=None,
    gap=None,
    lp_bound=None,
    seconds: float = 0.0,
) -> Result:
    slots = instance.slots
    staffed = [s for s in slots if len(assignments.get(s.id, ())) >= s.min_people]
    total_weight = sum(s.weight for s in slots) or 1.0
    loads = defaultdict(int)
    for members in assignments.values():
        for person in members:
            loads[person] += 1
    available_people = [p for p in instance.people if p.available and p.max_per_week > 0]
    values = [loads.get(p.id, 0) for p in available_people] or [0]
    square_sum = sum(v * v for v in values)
    jain = (sum(values) ** 2) / (len(values) * square_sum) if square_sum else 1.0
    return Result(
        assignments=assignments,
        status=status,
        objective=objective,
        dual_bound=dual_bound,
        gap=gap if gap is None or math.isfinite(gap) else None,
        lp_bound=lp_bound,
        seconds=seconds,
        coverage_pct=round(100 * sum(s.weight for s in staffed) / total_weight, 2),
        staffed=len(staffed),
        wanted=len(slots),
        load_min=min(values),
        load_max=max(values),
        jain=round(jain, 4),
        idle_available=sum(1 for v in values if v == 0),
    )
