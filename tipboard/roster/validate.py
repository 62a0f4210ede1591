"""Every hard-constraint violation of a roster (empty list = valid). Used by tests, the bench and
leaders' manual edits."""
from __future__ import annotations

from collections import defaultdict

from tipboard.roster.solver import Instance, rest_conflicts


def violations(instance: Instance, assignments: dict[int, set[int]]) -> list[str]:
    people = {p.id: p for p in instance.people}
    slots = {s.id: s for s in instance.slots}
    problems = []
    loads, days = defaultdict(int), defaultdict(list)
    for slot_id, members in assignments.items():
        slot = slots[slot_id]
        if members and not slot.min_people <= len(members) <= slot.max_people:
            problems.append(f"shift {slot_id}: {len(members)} people, needs {slot.min_people}-{slot.max_people}")
        if members and slot.requires_leader and not any(p in people and people[p].is_leader for p in members):
            problems.append(f"shift {slot_id}: no leader")
        for person_id in members:
            person = people.get(person_id)
            if person is None:
                problems.append(f"person {person_id} is in no team that may take shift {slot_id}")
                continue
            if slot_id not in person.available:
                problems.append(f"person {person_id} not available or not eligible for shift {slot_id}")
            loads[person_id] += 1
            days[(person_id, instance.day(slot.start))].append(slot_id)
    for person_id, load in loads.items():
        if load > people[person_id].max_per_week:
            problems.append(f"person {person_id}: {load} shifts, weekly maximum {people[person_id].max_per_week}")
    for (person_id, day), on_day in days.items():
        if len(on_day) > 1:
            problems.append(f"person {person_id}: {len(on_day)} shifts on {day}")
    conflicts = {(instance.slots[a].id, instance.slots[b].id) for a, b in rest_conflicts(instance)}
    for a, b in conflicts:
        for person_id in assignments.get(a, set()) & assignments.get(b, set()):
            problems.append(f"person {person_id}: too little rest between shifts {a} and {b}")
    return problems
