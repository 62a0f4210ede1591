"""Every hard-constraint violation of a roster (empty list = valid). Used by tests, the bench and
leaders' manual edits.

A violation is data (which rule, which shift, which person, the numbers), not a sentence: the
bench and the logs read ``str(violation)``, a short English line; people read the translated
sentence ``roster.views`` makes from it with the shift's and the person's names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections import defaultdict

from tipboard.roster.instance import Instance, leads, rest_conflicts, run_length


class Rule(enum.StrEnum):
    NOT_OPEN = "not_open"  # the shift is not one the roster fills (staffed by sign-ups, another week)
    STAFFING = "staffing"  # too few or too many people on a shift
    NO_LEADER = "no_leader"  # a shift that needs a leader has none
    NO_TEAM = "no_team"  # the person is in no team that may take the shift
    UNAVAILABLE = "unavailable"  # not free then, not in the shift's area, or already on one that day
    WEEKLY_MAX = "weekly_max"  # more shifts than the person's weekly maximum
    ONE_A_DAY = "one_a_day"  # two shifts on one day
    REST = "rest"  # too little rest between a late and an early shift
    LATE = "late"  # a late shift for someone who asked not to have them
    WEEKLY_HOURS = "weekly_hours"  # more hours than the person can give that week
    DAYS_IN_ROW = "days_in_row"  # more days in a row than the station allows
    NEW_ALONE = "new_alone"  # a new volunteer on a shift with nobody experienced


@dataclasses.dataclass(frozen=True)
class Violation:
    rule: Rule
    shift_id: int | None = None
    person_id: int | None = None
    count: int | None = None
    low: int | None = None
    high: int | None = None
    day: dt.date | None = None
    other_shift_id: int | None = None

    def __str__(self) -> str:
        return {
            Rule.NOT_OPEN: f"shift {self.shift_id} is not open in this roster",
            Rule.STAFFING: f"shift {self.shift_id}: {self.count} people, needs {self.low}-{self.high}",
            Rule.NO_LEADER: f"shift {self.shift_id}: no leader",
            Rule.NO_TEAM: f"person {self.person_id} is in no team that may take shift {self.shift_id}",
            Rule.UNAVAILABLE: f"person {self.person_id} not available or not eligible for shift {self.shift_id}",
            Rule.WEEKLY_MAX: f"person {self.person_id}: {self.count} shifts, weekly maximum {self.high}",
            Rule.ONE_A_DAY: f"person {self.person_id}: {self.count} shifts on {self.day}",
            Rule.REST: f"person {self.person_id}: too little rest between shifts {self.shift_id} and {self.other_shift_id}",
            Rule.LATE: f"person {self.person_id} asked for no late shifts, as shift {self.shift_id} is",
            Rule.WEEKLY_HOURS: f"person {self.person_id}: {self.count} hours, weekly maximum {self.high}",
            Rule.DAYS_IN_ROW: f"person {self.person_id}: {self.count} days in a row, at most {self.high}",
            Rule.NEW_ALONE: f"shift {self.shift_id}: new volunteer {self.person_id} without an experienced one",
        }[self.rule]


def violations(instance: Instance, assignments: dict[int, set[int]]) -> list[Violation]:
    people = {p.id: p for p in instance.people}
    slots = {s.id: s for s in instance.slots}
    problems = []
    loads, days, hours = defaultdict(int), defaultdict(list), defaultdict(float)
    for slot_id, members in assignments.items():
        slot = slots[slot_id]
        if members and not slot.min_people <= len(members) <= slot.max_people:
            problems.append(
                Violation(
                    Rule.STAFFING, slot_id, count=len(members), low=slot.min_people, high=slot.max_people
                )
            )
        if (
            members
            and slot.requires_leader
            and not any(p in people and leads(people[p], slot) for p in members)
        ):
            problems.append(Violation(Rule.NO_LEADER, slot_id))
        new = sorted(p for p in members if p in people and not people[p].experienced)
        if new and not any(p in people and people[p].experienced for p in members):
            problems.append(Violation(Rule.NEW_ALONE, slot_id, new[0]))
        for person_id in members:
            person = people.get(person_id)
            if person is None:
                problems.append(Violation(Rule.NO_TEAM, slot_id, person_id))
                continue
            if person.avoid_late and slot.late:
                problems.append(Violation(Rule.LATE, slot_id, person_id))
            elif slot_id not in person.available:
                problems.append(Violation(Rule.UNAVAILABLE, slot_id, person_id))
            loads[person_id] += 1
            hours[person_id] += slot.hours
            days[(person_id, instance.day(slot.start))].append(slot_id)
    for person_id, load in loads.items():
        if load > people[person_id].max_per_week:
            problems.append(
                Violation(
                    Rule.WEEKLY_MAX, person_id=person_id, count=load, high=people[person_id].max_per_week
                )
            )
    for person_id, total in hours.items():
        cap = people[person_id].max_hours
        if cap is not None and total > cap + 1e-9:
            problems.append(
                Violation(Rule.WEEKLY_HOURS, person_id=person_id, count=round(total), high=round(cap))
            )
    for (person_id, day), on_day in days.items():
        if len(on_day) > 1:
            problems.append(Violation(Rule.ONE_A_DAY, on_day[0], person_id, count=len(on_day), day=day))
    if instance.max_consecutive_days is not None:
        worked = defaultdict(set)
        for (person_id, day), _on_day in days.items():
            worked[person_id].add(day.toordinal())
        for person_id, own in worked.items():
            every = own | set(people[person_id].worked_days)
            longest = max(run_length(every - {d}, d) for d in own)
            if longest > instance.max_consecutive_days:
                problems.append(
                    Violation(
                        Rule.DAYS_IN_ROW,
                        person_id=person_id,
                        count=longest,
                        high=instance.max_consecutive_days,
                    )
                )
    conflicts = {(instance.slots[a].id, instance.slots[b].id) for a, b in rest_conflicts(instance)}
    for a, b in sorted(conflicts):
        for person_id in sorted(assignments.get(a, set()) & assignments.get(b, set())):
            problems.append(Violation(Rule.REST, a, person_id, other_shift_id=b))
    return problems
