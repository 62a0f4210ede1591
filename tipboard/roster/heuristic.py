"""A strong roster without a solver, so a build never returns nothing.

1. Every shift, heaviest first, is staffed at its minimum only, by the people least needed
   elsewhere (leaders and people few shifts can do without are kept in reserve).
2. A local search staffs the shifts still empty by moving the people who block them: someone on
   another shift that day (or too close for rest, or at their weekly maximum) leaves it if it stays
   staffed without them, or hands it to someone free.
3. The staffed shifts are filled up to their maximum, the least-loaded people first.
"""

from __future__ import annotations

import time
from collections import defaultdict

from tipboard.roster.instance import Instance, leads


class _State:
    def __init__(self, instance: Instance):
        self.instance = instance
        slots, people = instance.slots, instance.people
        self.slots, self.people = slots, people
        index = {s.id: i for i, s in enumerate(slots)}
        self.days = [d.toordinal() for d in instance.slot_days()]
        self.starts = [s.start.timestamp() for s in slots]
        self.ends = [s.end.timestamp() for s in slots]
        self.rest = instance.min_rest_hours * 3600
        self.cand: list[list[int]] = [[] for _ in slots]
        self.leader_of: list[set[int]] = [set() for _ in slots]
        for pi, p in enumerate(people):
            if p.max_per_week <= 0:
                continue
            for sid in p.available:
                si = index.get(sid)
                if si is None:
                    continue
                self.cand[si].append(pi)
                if slots[si].requires_leader and leads(p, slots[si]):
                    self.leader_of[si].add(pi)
        # How much the other shifts need a person: contested shifts and missing leaders weigh most.
        need = [1.0 / len(c) if c else 0.0 for c in self.cand]
        lead_need = [2.0 / len(ls) if ls else 0.0 for ls in self.leader_of]
        value = [0.0] * len(people)
        for si, c in enumerate(self.cand):
            for pi in c:
                value[pi] += need[si] + (lead_need[si] if pi in self.leader_of[si] else 0.0)
        self.value = [v / max(people[pi].max_per_week, 1) for pi, v in enumerate(value)]
        # Candidates in a fixed order, least needed elsewhere first (ties: fewer past shifts, id).
        ranked = sorted(
            range(len(people)), key=lambda pi: (self.value[pi], people[pi].past_load, people[pi].id)
        )
        self.position = [0] * len(people)
        for position, pi in enumerate(ranked):
            self.position[pi] = position
        for c in self.cand:
            c.sort(key=self.position.__getitem__)
        self.leader_list = [sorted(ls, key=self.position.__getitem__) for ls in self.leader_of]
        leader = [p.is_leader for p in people]
        self.members_first = [[pi for pi in c if not leader[pi]] for c in self.cand]
        self.assigned: list[set[int]] = [set() for _ in people]
        self.day_used: list[set[int]] = [set() for _ in people]
        self.members: list[set[int]] = [set() for _ in slots]

    def too_close(self, a: int, b: int) -> bool:
        """Shifts on different days with less than the minimum rest between them."""
        if self.days[a] == self.days[b]:
            return False
        if self.starts[a] <= self.starts[b]:
            return self.starts[b] < self.ends[a] + self.rest
        return self.starts[a] < self.ends[b] + self.rest

    def free(self, pi: int, si: int) -> bool:
        return (
            pi not in self.members[si]
            and len(self.assigned[pi]) < self.people[pi].max_per_week
            and self.days[si] not in self.day_used[pi]
            and not any(self.too_close(b, si) for b in self.assigned[pi])
        )

    def add(self, pi: int, si: int) -> None:
        self.assigned[pi].add(si)
        self.day_used[pi].add(self.days[si])
        self.members[si].add(pi)

    def remove(self, pi: int, si: int) -> None:
        self.assigned[pi].discard(si)
        self.day_used[pi].discard(self.days[si])
        self.members[si].discard(pi)

    def staffed(self, si: int) -> bool:
        return len(self.members[si]) >= self.slots[si].min_people

    def has_leader(self, si: int, without: int | None = None) -> bool:
        return any(pi in self.leader_of[si] for pi in self.members[si] if pi != without)

    # --- local search ---------------------------------------------------------------------------

    def release(self, pi: int, si: int, ops: list, avoid: set[int]) -> bool:
        """Make ``pi`` free for ``si`` by moving them off what blocks them; moves go to ``ops``."""
        blocking = [b for b in self.assigned[pi] if self.days[b] == self.days[si] or self.too_close(b, si)]
        if len(blocking) > 1:
            return False
        if not blocking:
            if len(self.assigned[pi]) < self.people[pi].max_per_week:
                return False  # not blocked by the roster (already on si, or not available)
            options = sorted(self.assigned[pi], key=lambda b: self.slots[b].weight)
        else:
            options = blocking
        for b in options:
            needs_leader = (
                self.slots[b].requires_leader and pi in self.leader_of[b] and not self.has_leader(b, pi)
            )
            if len(self.members[b]) - 1 >= self.slots[b].min_people and not needs_leader:
                self.remove(pi, b)
                ops.append(("remove", pi, b))
                return True
            pool = self.leader_list[b] if needs_leader else self.cand[b]
            for q in pool:
                if q != pi and q not in avoid and self.free(q, b):
                    self.remove(pi, b)
                    self.add(q, b)
                    ops.append(("remove", pi, b))
                    ops.append(("add", q, b))
                    return True
        return False

    def undo(self, ops: list) -> None:
        for op, pi, si in reversed(ops):
            if op == "add":
                self.remove(pi, si)
            else:
                self.add(pi, si)

    def staff(self, si: int, *, moves: bool) -> bool:
        """Staff an empty shift at its minimum (moving blocking people if ``moves``)."""
        slot = self.slots[si]
        ops: list = []
        chosen: list[int] = []
        taken: set[int] = set()

        def pick(pool, count: int) -> None:
            ordered = [pi for pi in pool if pi not in taken]
            for pi in ordered:
                if len(chosen) >= count:
                    return
                if self.free(pi, si):
                    chosen.append(pi)
                    taken.add(pi)
            if not moves:
                return
            for pi in ordered:
                if len(chosen) >= count:
                    return
                if pi not in taken and not self.free(pi, si) and self.release(pi, si, ops, taken):
                    if self.free(pi, si):
                        chosen.append(pi)
                        taken.add(pi)

        if slot.requires_leader:
            pick(self.leader_list[si], 1)
            if not chosen:
                self.undo(ops)
                return False
        # Members: non-leaders first, so leaders stay free for the shifts that need one.
        pick(self.members_first[si], slot.min_people)
        pick(self.cand[si], slot.min_people)
        if len(chosen) < slot.min_people:
            self.undo(ops)
            return False
        for pi in chosen:
            self.add(pi, si)
        return True

    def fill(self, si: int) -> None:
        slot = self.slots[si]
        for pi in sorted(self.cand[si], key=lambda p: len(self.assigned[p]) + self.people[p].past_load):
            if len(self.members[si]) >= slot.max_people:
                return
            if self.free(pi, si):
                self.add(pi, si)


def heuristic(instance: Instance, *, seconds: float = 10.0) -> dict[int, set[int]]:
    """A valid roster (every hard rule kept), built within about ``seconds``."""
    deadline = time.perf_counter() + seconds
    state = _State(instance)
    order = sorted(
        range(len(instance.slots)), key=lambda si: (-instance.slots[si].weight, len(state.cand[si]))
    )
    for si in order:
        if state.cand[si]:
            state.staff(si, moves=False)
    for _round in range(3):
        improved = False
        for si in order:
            if time.perf_counter() > deadline:
                break
            if not state.staffed(si) and len(state.cand[si]) >= instance.slots[si].min_people:
                improved |= state.staff(si, moves=True)
        if not improved or time.perf_counter() > deadline:
            break
    for si in order:
        if state.staffed(si):
            state.fill(si)
    result: dict[int, set[int]] = defaultdict(set)
    for slot in instance.slots:
        result[slot.id] = set()
    for si, members in enumerate(state.members):
        if len(members) >= instance.slots[si].min_people:
            result[instance.slots[si].id] = {instance.people[pi].id for pi in members}
    return dict(result)
