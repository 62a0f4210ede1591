"""A week's roster problem as plain data (people, slots, the hard rules' helpers) and the figures
of a roster, shared by the heuristic, the solver, validation, explanations and repair."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict

import numpy as np


@dataclasses.dataclass(frozen=True)
class Person:
    id: int
    team_ids: frozenset[int]
    is_leader: bool
    max_per_week: int
    available: frozenset[int]  # shift ids the person can do (availability, area, rest around own shifts)
    past_load: int = 0  # shifts in the last four weeks
    preferred_points: frozenset[int] = frozenset()
    lead_teams: frozenset[int] | None = None  # the teams the person leads (None: leads wherever they go)
    max_hours: float | None = None  # hours they can still give this week (None: no cap)
    avoid_late: bool = False  # asked for no late shifts: a hard rule
    experienced: bool = True  # False: a new volunteer, who goes out only with an experienced one
    past_nights: int = 0  # late shifts in the last four weeks
    past_weekends: int = 0  # weekend shifts in the last four weeks
    worked_days: frozenset[int] = frozenset()  # day ordinals of shifts already confirmed (for days in a row)


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
    teams: frozenset[int] = frozenset()  # the teams that may take it (empty: not known, any)
    late: bool = False  # ends late in the evening or after midnight (station time)
    weekend: bool = False  # on a Saturday or Sunday (station time)

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def leads(person: Person, slot: Slot) -> bool:
    """A leader counts as the leader of a shift only for a team the shift belongs to."""
    if not person.is_leader:
        return False
    if person.lead_teams is None or not slot.teams:
        return True
    return bool(person.lead_teams & slot.teams)


@dataclasses.dataclass
class Instance:
    people: list[Person]
    slots: list[Slot]
    min_rest_hours: float = 10.0
    current: dict[int, set[int]] = dataclasses.field(default_factory=dict)  # shift -> people (a draft)
    day_of: object = None  # callable(datetime) -> date in the station's zone
    max_consecutive_days: int | None = None  # at most this many days in a row with a shift
    _days: list | None = dataclasses.field(default=None, repr=False, compare=False)

    def __post_init__(self):
        # Late shifts are not offered to those who asked to avoid them (a hard rule, kept once here
        # for the heuristic, the solver, explanations and repair alike).
        late = frozenset(s.id for s in self.slots if s.late)
        if late:
            self.people = [
                dataclasses.replace(p, available=p.available - late)
                if p.avoid_late and p.available & late
                else p
                for p in self.people
            ]

    def day(self, when: dt.datetime) -> dt.date:
        return self.day_of(when) if self.day_of else when.date()

    def slot_days(self) -> list[dt.date]:
        """The station-time day of every slot, in slot order (computed once)."""
        if self._days is None or len(self._days) != len(self.slots):
            self._days = [self.day(s.start) for s in self.slots]
        return self._days


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
    source: str = "solver"  # which roster was kept: "solver" or "heuristic"
    stages: dict = dataclasses.field(default_factory=dict)  # timings and figures per stage


def run_length(days: set[int] | frozenset[int], day: int) -> int:
    """The number of days in a row, through ``day``, if a shift on ``day`` were added to ``days``."""
    before = 0
    while day - before - 1 in days:
        before += 1
    after = 0
    while day + after + 1 in days:
        after += 1
    return before + 1 + after


def rest_conflicts(instance: Instance) -> list[tuple[int, int]]:
    """Slot index pairs on different days too close together for one person (the later one starts
    less than the minimum rest after the earlier one ends)."""
    slots = instance.slots
    if not slots:
        return []
    starts = np.array([s.start.timestamp() for s in slots])
    ends = np.array([s.end.timestamp() for s in slots])
    days = np.array([d.toordinal() for d in instance.slot_days()])
    order = np.argsort(starts, kind="stable")
    s_starts, s_ends = starts[order], ends[order]
    positions = np.arange(len(slots))
    hi = np.searchsorted(s_starts, s_ends + instance.min_rest_hours * 3600, side="left")
    counts = np.maximum(hi - positions - 1, 0)
    a_pos = np.repeat(positions, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    b_pos = a_pos + 1 + offsets
    a, b = order[a_pos], order[b_pos]
    keep = days[a] != days[b]
    return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


def conflict_map(instance: Instance) -> dict[int, set[int]]:
    """Slot id -> the slot ids too close to it for one person (rest), both ways."""
    conflicts: dict[int, set[int]] = defaultdict(set)
    for a, b in rest_conflicts(instance):
        conflicts[instance.slots[a].id].add(instance.slots[b].id)
        conflicts[instance.slots[b].id].add(instance.slots[a].id)
    return conflicts


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
    source: str = "solver",
    stages: dict | None = None,
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
        source=source,
        stages=stages or {},
    )
