"""Why a shift has nobody: so leaders know whether to recruit, ask a leader, or accept it.

Each reason names the limit that binds for the people actually free at that time, so it is true
of them: "the only leader free then is at their weekly maximum", not "everyone is busy" while
volunteers with room were free.
"""

from __future__ import annotations

import enum
from collections import defaultdict

from tipboard.roster.instance import Instance, Person, conflict_map, leads, run_length


class GapReason(enum.StrEnum):
    NOBODY_AVAILABLE = "nobody_available"  # no eligible person is free at that time
    NO_LEADER = "no_leader"  # people are free, but no leader among them
    TOO_FEW = "too_few"  # fewer free people than the minimum
    LEADER_AT_MAX = "leader_at_max"  # the only leader free then has their weekly maximum of shifts
    LEADER_SAME_DAY = "leader_same_day"  # the only leader free then is on another shift that day
    LEADER_REST = "leader_rest"  # the only leader free then would not rest enough between shifts
    LEADERS_BUSY = "leaders_busy"  # several leaders free then, none can take another shift
    LEADER_AT_HOURS = "leader_at_hours"  # the only leader free then has no hours left that week
    LEADER_DAYS_IN_ROW = "leader_in_row"  # the only leader free then would work too many days in a row
    ONLY_NEW = "only_new"  # the only people free then are new volunteers, with nobody experienced
    EVERYONE_BUSY = "everyone_busy"  # a leader can, but too few others have room for another shift
    NOT_WORTH_IT = "not_worth_it"  # possible, but people were better used elsewhere


class Blocked(enum.StrEnum):
    """What keeps a person free at the time from taking one more shift."""

    AT_MAX = "at_max"
    SAME_DAY = "same_day"
    REST = "rest"
    AT_HOURS = "at_hours"
    DAYS_IN_ROW = "days_in_row"


def blocking(instance: Instance, assignments: dict[int, set[int]]):
    """A function (person, slot) -> the limit that keeps them off it, or None if they could take it."""
    slots = {s.id: s for s in instance.slots}
    load, days, taken, hours = defaultdict(int), defaultdict(set), defaultdict(set), defaultdict(float)
    for slot_id, members in assignments.items():
        if slot_id not in slots:
            continue
        for person in members:
            load[person] += 1
            days[person].add(instance.day(slots[slot_id].start))
            taken[person].add(slot_id)
            hours[person] += slots[slot_id].hours
    conflicts = conflict_map(instance)

    def blocked(person: Person, slot) -> Blocked | None:
        if load[person.id] >= person.max_per_week:
            return Blocked.AT_MAX
        if instance.day(slot.start) in days[person.id]:
            return Blocked.SAME_DAY
        if conflicts[slot.id] & taken[person.id]:
            return Blocked.REST
        if person.max_hours is not None and hours[person.id] + slot.hours > person.max_hours + 1e-9:
            return Blocked.AT_HOURS
        if instance.max_consecutive_days is not None:
            worked = {d.toordinal() for d in days[person.id]} | set(person.worked_days)
            if run_length(worked, instance.day(slot.start).toordinal()) > instance.max_consecutive_days:
                return Blocked.DAYS_IN_ROW
        return None

    return blocked


ONLY_LEADER = {
    Blocked.AT_MAX: GapReason.LEADER_AT_MAX,
    Blocked.SAME_DAY: GapReason.LEADER_SAME_DAY,
    Blocked.REST: GapReason.LEADER_REST,
    Blocked.AT_HOURS: GapReason.LEADER_AT_HOURS,
    Blocked.DAYS_IN_ROW: GapReason.LEADER_DAYS_IN_ROW,
}


def explain(instance: Instance, assignments: dict[int, set[int]]) -> dict[int, GapReason]:
    """Shift id -> why it has fewer people than its minimum, for every such shift."""
    blocked = blocking(instance, assignments)
    reasons = {}
    for slot in instance.slots:
        members = assignments.get(slot.id, set())
        if len(members) >= slot.min_people:
            continue
        able = [p for p in instance.people if slot.id in p.available and p.max_per_week > 0]
        if not able:
            reasons[slot.id] = GapReason.NOBODY_AVAILABLE
            continue
        able_leaders = [p for p in able if leads(p, slot)]
        if slot.requires_leader and not able_leaders:
            reasons[slot.id] = GapReason.NO_LEADER
        elif len(able) < slot.min_people:
            reasons[slot.id] = GapReason.TOO_FEW
        else:
            # Those on this shift already count; the others must have room for one more.
            free = [p for p in able if p.id in members or blocked(p, slot) is None]
            if slot.requires_leader and not any(leads(p, slot) for p in free):
                reasons[slot.id] = (
                    ONLY_LEADER[blocked(able_leaders[0], slot)]
                    if len(able_leaders) == 1
                    else GapReason.LEADERS_BUSY
                )
            elif len(free) < slot.min_people:
                reasons[slot.id] = GapReason.EVERYONE_BUSY
            elif not any(p.experienced for p in free):
                reasons[slot.id] = GapReason.ONLY_NEW
            else:
                reasons[slot.id] = GapReason.NOT_WORTH_IT
    return reasons
