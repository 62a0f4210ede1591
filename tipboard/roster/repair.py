"""Refill one shift after a drop-out without moving anyone else."""

from __future__ import annotations

from collections import defaultdict

from tipboard.roster.instance import Instance, leads, rest_conflicts


def repair(instance: Instance, assignments: dict[int, set[int]], slot_id: int) -> int | None:
    """The best free, eligible person to add to ``slot_id`` (a leader if the shift now lacks one),
    or None if nobody can take it. ``assignments`` is the roster after the drop-out."""
    slots = {s.id: s for s in instance.slots}
    slot = slots[slot_id]
    load, days, taken = defaultdict(int), defaultdict(set), defaultdict(set)
    for sid, members in assignments.items():
        for person in members:
            load[person] += 1
            days[person].add(instance.day(slots[sid].start))
            taken[person].add(sid)
    conflicts = defaultdict(set)
    for a, b in rest_conflicts(instance):
        conflicts[instance.slots[a].id].add(instance.slots[b].id)
        conflicts[instance.slots[b].id].add(instance.slots[a].id)
    current = assignments.get(slot_id, set())
    if len(current) >= slot.max_people:
        return None
    need_leader = slot.requires_leader and not any(leads(p, slot) for p in instance.people if p.id in current)
    candidates = [
        p
        for p in instance.people
        if p.id not in current
        and slot_id in p.available
        and load[p.id] < p.max_per_week
        and instance.day(slot.start) not in days[p.id]
        and not conflicts[slot_id] & taken[p.id]
        and (leads(p, slot) or not need_leader)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (load[p.id] + p.past_load, p.id)).id
