"""Why a shift has nobody: so leaders know whether to recruit, ask a leader, or accept it."""

from __future__ import annotations

import enum
from collections import defaultdict

from tipboard.roster.instance import Instance, leads


class GapReason(enum.StrEnum):
    NOBODY_AVAILABLE = "nobody_available"  # no eligible person is free at that time
    NO_LEADER = "no_leader"  # people are free, but no leader among them
    TOO_FEW = "too_few"  # fewer free people than the minimum
    EVERYONE_BUSY = (
        "everyone_busy"  # the free people are at their weekly maximum or on another shift that day
    )
    NOT_WORTH_IT = "not_worth_it"  # possible, but people were better used elsewhere


def explain(instance: Instance, assignments: dict[int, set[int]]) -> dict[int, GapReason]:
    load = defaultdict(int)
    days = defaultdict(set)
    for slot in instance.slots:
        for person in assignments.get(slot.id, ()):
            load[person] += 1
            days[person].add(instance.day(slot.start))
    reasons = {}
    for slot in instance.slots:
        if len(assignments.get(slot.id, ())) >= slot.min_people:
            continue
        able = [p for p in instance.people if slot.id in p.available and p.max_per_week > 0]
        if not able:
            reasons[slot.id] = GapReason.NOBODY_AVAILABLE
        elif slot.requires_leader and not any(leads(p, slot) for p in able):
            reasons[slot.id] = GapReason.NO_LEADER
        elif len(able) < slot.min_people:
            reasons[slot.id] = GapReason.TOO_FEW
        else:
            free = [
                p for p in able if load[p.id] < p.max_per_week and instance.day(slot.start) not in days[p.id]
            ]
            if len(free) < slot.min_people or (
                slot.requires_leader and not any(leads(p, slot) for p in free)
            ):
                reasons[slot.id] = GapReason.EVERYONE_BUSY
            else:
                reasons[slot.id] = GapReason.NOT_WORTH_IT
    return reasons
