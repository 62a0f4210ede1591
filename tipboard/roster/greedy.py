"""A greedy baseline: the heaviest shifts first, leader first, then the least-loaded people."""

from __future__ import annotations

from collections import defaultdict

from tipboard.roster.instance import Instance, leads, rest_conflicts, run_length


def greedy(instance: Instance) -> dict[int, set[int]]:
    slots_by_index = instance.slots
    conflicts = defaultdict(set)
    for a, b in rest_conflicts(instance):
        conflicts[slots_by_index[a].id].add(slots_by_index[b].id)
        conflicts[slots_by_index[b].id].add(slots_by_index[a].id)
    load = defaultdict(int)
    busy_days = defaultdict(set)
    taken = defaultdict(set)  # person -> slot ids
    hours = defaultdict(float)
    assignments: dict[int, set[int]] = {s.id: set() for s in instance.slots}

    def free(person, slot) -> bool:
        return (
            slot.id in person.available
            and load[person.id] < person.max_per_week
            and instance.day(slot.start) not in busy_days[person.id]
            and not conflicts[slot.id] & taken[person.id]
            and (person.max_hours is None or hours[person.id] + slot.hours <= person.max_hours + 1e-9)
            and (
                instance.max_consecutive_days is None
                or run_length(
                    {d.toordinal() for d in busy_days[person.id]} | person.worked_days,
                    instance.day(slot.start).toordinal(),
                )
                <= instance.max_consecutive_days
            )
        )

    for slot in sorted(instance.slots, key=lambda s: -s.weight):
        candidates = sorted(
            (p for p in instance.people if free(p, slot)), key=lambda p: (load[p.id] + p.past_load, p.id)
        )
        chosen = []
        if slot.requires_leader:
            leader = next((p for p in candidates if leads(p, slot)), None)
            if leader is None:
                continue
            chosen.append(leader)
        rest = [p for p in candidates if p not in chosen]
        if not any(p.experienced for p in chosen):  # a new volunteer only with an experienced one
            first = next((p for p in rest if p.experienced), None)
            if first is None:
                continue
            chosen.append(first)
            rest.remove(first)
        chosen += rest[: slot.max_people - len(chosen)]
        if len(chosen) < slot.min_people:
            continue
        for person in chosen:
            assignments[slot.id].add(person.id)
            load[person.id] += 1
            busy_days[person.id].add(instance.day(slot.start))
            taken[person.id].add(slot.id)
            hours[person.id] += slot.hours
    return assignments
