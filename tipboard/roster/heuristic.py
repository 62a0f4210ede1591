"""A strong roster without a solver, so a build never returns nothing.

1. Every shift, heaviest first, is staffed at its minimum only, by the people least needed
   elsewhere (leaders and people few shifts can do without are kept in reserve).
2. A local search staffs the shifts still empty by moving the people who block them: someone on
   another shift that day (or too close for rest, or at their weekly maximum) leaves it if it stays
   staffed without them, or hands it to someone free.
3. The staffed shifts are filled up to their maximum, the least-loaded people first (those who
   patrol near home or work first, nights and weekends to those who had fewest lately).
4. One pass of swaps for the wishes: a person on a shift gives it to someone free who is a better
   fit (near home, fewer nights or weekends lately, fewer shifts), every hard rule kept.

Hard rules: the shift's size and leader, one shift a day, the weekly maximum of shifts and of
hours, the rest between shifts, at most so many days in a row, and a new volunteer never without
an experienced one on the shift.
"""

from __future__ import annotations

import time
from collections import defaultdict

from tipboard.roster.instance import Instance, leads, run_length

PREFERRED = 3.0  # soft costs for the swaps: near home or work ...
NIGHT = 1.0  # ... each night lately (past four weeks and this roster) ...
WEEKEND = 1.0  # ... each weekend shift lately ...
LOAD = 0.5  # ... and each shift lately


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
        self.hours = [s.hours for s in slots]
        self.hours_used = [0.0] * len(people)
        self.cap = [float("inf") if p.max_hours is None else p.max_hours for p in people]
        self.worked = [set(p.worked_days) for p in people]
        self.max_run = instance.max_consecutive_days
        self.experienced = [p.experienced for p in people]
        self.nights = [p.past_nights for p in people]
        self.weekends = [p.past_weekends for p in people]
        self.preferred = [p.preferred_points for p in people]

    def too_close(self, a: int, b: int) -> bool:
        """Shifts on different days with less than the minimum rest between them."""
        if self.days[a] == self.days[b]:
            return False
        if self.starts[a] <= self.starts[b]:
            return self.starts[b] < self.ends[a] + self.rest
        return self.starts[a] < self.ends[b] + self.rest

    def at_limit(self, pi: int, si: int) -> bool:
        """At their weekly maximum of shifts, or this shift would take them over their hours."""
        return (
            len(self.assigned[pi]) >= self.people[pi].max_per_week
            or self.hours_used[pi] + self.hours[si] > self.cap[pi] + 1e-9
        )

    def too_many_in_row(self, pi: int, si: int) -> bool:
        if self.max_run is None:
            return False
        return run_length(self.day_used[pi] | self.worked[pi], self.days[si]) > self.max_run

    def free(self, pi: int, si: int) -> bool:
        return (
            pi not in self.members[si]
            and not self.at_limit(pi, si)
            and self.days[si] not in self.day_used[pi]
            and not any(self.too_close(b, si) for b in self.assigned[pi])
            and not self.too_many_in_row(pi, si)
        )

    def add(self, pi: int, si: int) -> None:
        self.assigned[pi].add(si)
        self.day_used[pi].add(self.days[si])
        self.members[si].add(pi)
        self.hours_used[pi] += self.hours[si]
        self.nights[pi] += self.slots[si].late
        self.weekends[pi] += self.slots[si].weekend

    def remove(self, pi: int, si: int) -> None:
        self.assigned[pi].discard(si)
        self.day_used[pi].discard(self.days[si])
        self.members[si].discard(pi)
        self.hours_used[pi] -= self.hours[si]
        self.nights[pi] -= self.slots[si].late
        self.weekends[pi] -= self.slots[si].weekend

    def has_experienced(self, si: int, without: int | None = None) -> bool:
        return any(self.experienced[pi] for pi in self.members[si] if pi != without)

    def has_new(self, si: int, without: int | None = None) -> bool:
        return any(not self.experienced[pi] for pi in self.members[si] if pi != without)

    def needs_experienced(self, pi: int, si: int) -> bool:
        """Taking ``pi`` off ``si`` would leave a new volunteer there without an experienced one."""
        return self.experienced[pi] and self.has_new(si, pi) and not self.has_experienced(si, pi)

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
            if not self.at_limit(pi, si):
                return False  # not blocked by the roster's load (already on si, not available, days in a row)
            options = sorted(self.assigned[pi], key=lambda b: self.slots[b].weight)
        else:
            options = blocking
        for b in options:
            needs_leader = (
                self.slots[b].requires_leader and pi in self.leader_of[b] and not self.has_leader(b, pi)
            )
            needs_exp = self.needs_experienced(pi, b)
            if len(self.members[b]) - 1 >= self.slots[b].min_people and not needs_leader and not needs_exp:
                self.remove(pi, b)
                ops.append(("remove", pi, b))
                return True
            pool = self.leader_list[b] if needs_leader else self.cand[b]
            for q in pool:
                if needs_exp and not self.experienced[q]:
                    continue
                if not self.experienced[q] and not self.has_experienced(b, pi):
                    continue
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

        def may_join(pi: int, count: int) -> bool:
            # A new volunteer only where an experienced one is on it or can still join it.
            return self.experienced[pi] or any(self.experienced[c] for c in chosen) or count - len(chosen) > 1

        def pick(pool, count: int) -> None:
            ordered = [pi for pi in pool if pi not in taken]
            for pi in ordered:
                if len(chosen) >= count:
                    return
                if may_join(pi, count) and self.free(pi, si):
                    chosen.append(pi)
                    taken.add(pi)
            if not moves:
                return
            for pi in ordered:
                if len(chosen) >= count:
                    return
                if (
                    pi not in taken
                    and may_join(pi, count)
                    and not self.free(pi, si)
                    and self.release(pi, si, ops, taken)
                ):
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
        if len(chosen) < slot.min_people or not any(self.experienced[c] for c in chosen):
            self.undo(ops)
            return False
        for pi in chosen:
            self.add(pi, si)
        return True

    def cost(self, pi: int, si: int) -> float:
        """The soft cost of ``pi`` on ``si`` (lower is better), counting ``si`` as theirs."""
        slot = self.slots[si]
        on = si in self.assigned[pi]
        nights = self.nights[pi] + (slot.late and not on)
        weekends = self.weekends[pi] + (slot.weekend and not on)
        load = len(self.assigned[pi]) + (not on) + self.people[pi].past_load
        return (
            -PREFERRED * (slot.point_id in self.preferred[pi])
            + (NIGHT * nights if slot.late else 0.0)
            + (WEEKEND * weekends if slot.weekend else 0.0)
            + LOAD * load
        )

    def fill(self, si: int) -> None:
        slot = self.slots[si]
        for pi in sorted(self.cand[si], key=lambda p: (self.cost(p, si), self.people[p].id)):
            if len(self.members[si]) >= slot.max_people:
                return
            if self.free(pi, si) and (self.experienced[pi] or self.has_experienced(si)):
                self.add(pi, si)

    def improve(self, si: int) -> None:
        """Swap people on a staffed shift for free ones who fit it better, every hard rule kept."""
        for pi in sorted(self.members[si], key=lambda p: -self.cost(p, si)):
            mine = self.cost(pi, si)
            needs_leader = (
                self.slots[si].requires_leader and pi in self.leader_of[si] and not self.has_leader(si, pi)
            )
            needs_exp = self.needs_experienced(pi, si)
            pool = self.leader_list[si] if needs_leader else self.cand[si]
            best, best_cost = None, mine - 0.5
            for q in pool:
                if needs_exp and not self.experienced[q]:
                    continue
                if not self.experienced[q] and not self.has_experienced(si, pi):
                    continue
                c = self.cost(q, si)
                if c < best_cost and self.free(q, si):
                    best, best_cost = q, c
            if best is not None:
                self.remove(pi, si)
                self.add(best, si)


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
    for si in order:
        if time.perf_counter() > deadline:
            break
        if state.staffed(si):
            state.improve(si)
    result: dict[int, set[int]] = defaultdict(set)
    for slot in instance.slots:
        result[slot.id] = set()
    for si, members in enumerate(state.members):
        if len(members) >= instance.slots[si].min_people:
            result[instance.slots[si].id] = {instance.people[pi].id for pi in members}
    return dict(result)
