"""Refill one shift after a drop-out without moving anyone else; who could fill a gap by hand."""

from __future__ import annotations

from tipboard.roster.explain import blocking
from tipboard.roster.instance import Instance, Person, leads


def candidates(instance: Instance, assignments: dict[int, set[int]], slot_id: int) -> list[Person]:
    """The people who could join ``slot_id`` as the roster stands: free then, in a team that patrols
    it, with room for one more shift that week, none that day, and rest around their other shifts."""
    slot = next(s for s in instance.slots if s.id == slot_id)
    blocked = blocking(instance, assignments)
    current = assignments.get(slot_id, set())
    return [
        p
        for p in instance.people
        if p.id not in current and slot_id in p.available and blocked(p, slot) is None
    ]


def repair(instance: Instance, assignments: dict[int, set[int]], slot_id: int) -> int | None:
    """The best free, eligible person to add to ``slot_id`` (a leader if the shift now lacks one),
    or None if nobody can take it. ``assignments`` is the roster after the drop-out."""
    slot = next(s for s in instance.slots if s.id == slot_id)
    current = assignments.get(slot_id, set())
    if len(current) >= slot.max_people:
        return None
    need_leader = slot.requires_leader and not any(leads(p, slot) for p in instance.people if p.id in current)
    load = {p.id: sum(p.id in members for members in assignments.values()) for p in instance.people}
    by_id = {p.id: p for p in instance.people}
    paired = any(by_id[q].experienced for q in current if q in by_id)
    people = [
        p
        for p in candidates(instance, assignments, slot_id)
        if (leads(p, slot) or not need_leader) and (p.experienced or paired)
    ]
    if not people:
        return None
    return min(people, key=lambda p: (load[p.id] + p.past_load, p.id)).id
