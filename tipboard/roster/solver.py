"""The weekly roster as a mixed-integer program, solved by HiGHS (highspy), after a heuristic.

Variables: x[p,s] = 1 if person p patrols shift s (only for pairs where p is available and
eligible), y[s] = 1 if shift s is staffed, and z[p,k] (0..1) = "p's k-th shift this week", which
turns the load into a convex piecewise-linear fairness cost.

Hard constraints: min/max volunteers on a staffed shift; a leader of one of the shift's teams on
every staffed shift that needs one; at most one shift per person per day; at most each person's
weekly maximum of shifts and of hours; the minimum rest between a late and an early shift (one row
per person and late shift, covering the early shifts of the next day); at most so many days in a
row (one row per person and window, only where the person could exceed it); a new volunteer only
on a shift with an experienced one (one row per shift: new people <= max size x experienced
people); no late shifts for those who asked (their late pairs are not in the model at all).

Two stages, both within one wall-clock budget that includes building the model:
1. coverage: the priority-weighted share of shifts staffed, started from the heuristic roster;
2. with that coverage held, more hands on heavy shifts, fairness (each extra shift costs more,
   starting from the last four weeks' load; the same for nights and for weekends), preferences
   (the volunteer's own team, near home or work) and stability (a draft's edits).
The heuristic roster is kept whenever the solver does not beat it, so a build never returns
nothing; the stage-1 bound says how far the kept coverage can be from the best possible.
"""

from __future__ import annotations

import atexit
import time
from itertools import chain

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from tipboard.roster.heuristic import heuristic
from tipboard.roster.instance import (  # noqa: F401  (re-exported for the callers of the solver)
    Instance,
    Person,
    Result,
    Slot,
    leads,
    rest_conflicts,
    summarise,
)

FILL = 8.0  # per unit of shift weight, per person on it: extra hands, weighed against fairness
FAIRNESS = 10.0  # per step of the load ladder
PREFERENCE = 2.0
NIGHTS = 4.0  # per step of the nights ladder (late shifts, last four weeks included)
WEEKENDS = 4.0  # per step of the weekends ladder
STABILITY = 1.0
HEURISTIC_SHARE = 0.15  # of the budget, at most, for the heuristic roster
COVERAGE_SHARE = 0.75  # of what is left after the model is built, for stage 1
STAGE2_MARGIN = 0.1  # of the budget, kept back at the end
ABANDON_AFTER = 1.0  # seconds past a stage's deadline before the build stops waiting for HiGHS


class Model:
    """The MILP as arrays: columns x (pairs), y (slots), z (ladder steps); rows in CSC form."""

    def __init__(self, instance: Instance):
        people, slots = instance.people, instance.slots
        n_s = len(slots)
        slot_ids = np.array([s.id for s in slots], dtype=np.int64)
        id_order = np.argsort(slot_ids)
        able = [p for p in people if p.max_per_week > 0]
        able_idx = np.array([pi for pi, p in enumerate(people) if p.max_per_week > 0], dtype=np.int64)
        sizes = np.array([len(p.available) for p in able], dtype=np.int64)
        wanted = np.fromiter(
            chain.from_iterable(p.available for p in able), dtype=np.int64, count=int(sizes.sum())
        )
        P = np.repeat(able_idx, sizes)
        S = _lookup(slot_ids, id_order, wanted)
        P, S = P[S >= 0], S[S >= 0]
        order = np.lexsort((S, P))
        self.P, self.S = P[order], S[order]
        n_x = len(self.P)
        self.n_x, self.n_s = n_x, n_s
        weight = np.array([s.weight for s in slots])
        mins = np.array([s.min_people for s in slots], dtype=float)
        maxs = np.array([s.max_people for s in slots], dtype=float)
        needs_leader = np.array([s.requires_leader for s in slots], dtype=bool)
        day_ord = np.array([d.toordinal() for d in instance.slot_days()], dtype=np.int64)
        _, day_idx = np.unique(day_ord, return_inverse=True) if n_s else (None, np.zeros(0, dtype=np.int64))
        n_days = int(day_idx.max()) + 1 if n_s else 1
        # Who leads a shift: only leaders on shifts needing one; per team only where teams are known.
        is_leader = np.array([p.is_leader for p in people], dtype=bool)
        lead = is_leader[self.P] & needs_leader[self.S]
        for j in np.flatnonzero(lead):
            person, slot = people[self.P[j]], slots[self.S[j]]
            if person.lead_teams is not None and slot.teams:
                lead[j] = bool(person.lead_teams & slot.teams)

        # The ladder: one step per shift a person could take (capped by the days they could do).
        persons, first = np.unique(self.P, return_index=True)
        person_days = np.unique(self.P * n_days + day_idx[self.S]) // n_days
        days_per_person = np.bincount(person_days, minlength=len(people))
        steps = np.array([min(people[p].max_per_week, days_per_person[p]) for p in persons], dtype=np.int64)
        z_person = np.repeat(persons, steps)
        z_k = np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)
        past = np.array([p.past_load for p in people], dtype=float)
        n_z = len(z_person)
        self.n = n_x + n_s + n_z
        y0, z0 = n_x, n_x + n_s
        xcol = np.arange(n_x)
        ycol = y0 + np.arange(n_s)

        rows, cols, vals, lo, hi = [], [], [], [], []
        r = 0

        def block(row_ids, col_ids, values):
            rows.append(np.asarray(row_ids, dtype=np.int64))
            cols.append(np.asarray(col_ids, dtype=np.int64))
            vals.append(np.broadcast_to(np.asarray(values, dtype=float), np.shape(row_ids)).copy())

        inf = highspy.kHighsInf
        # staffed * min <= sum x <= staffed * max
        block(r + self.S, xcol, 1.0)
        block(r + np.arange(n_s), ycol, -mins)
        lo.append(np.zeros(n_s))
        hi.append(np.full(n_s, inf))
        r += n_s
        block(r + self.S, xcol, 1.0)
        block(r + np.arange(n_s), ycol, -maxs)
        lo.append(np.full(n_s, -inf))
        hi.append(np.zeros(n_s))
        r += n_s
        # a leader on every staffed shift that needs one
        lead_slots = np.flatnonzero(needs_leader)
        lead_row = np.full(n_s, -1)
        lead_row[lead_slots] = r + np.arange(len(lead_slots))
        block(lead_row[self.S[lead]], xcol[lead], 1.0)
        block(lead_row[lead_slots], ycol[lead_slots], -1.0)
        lo.append(np.zeros(len(lead_slots)))
        hi.append(np.full(len(lead_slots), inf))
        r += len(lead_slots)
        # one shift a day
        keys = self.P * n_days + day_idx[self.S]
        uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        many = counts > 1
        day_row = np.cumsum(many) - 1
        sel = many[inverse]
        block(r + day_row[inverse[sel]], xcol[sel], 1.0)
        lo.append(np.full(int(many.sum()), -inf))
        hi.append(np.ones(int(many.sum())))
        r += int(many.sum())
        # load = sum of the ladder steps (at most the weekly maximum, by the number of steps)
        person_row = np.full(len(people), -1)
        person_row[persons] = r + np.arange(len(persons))
        block(person_row[self.P], xcol, 1.0)
        block(person_row[z_person], z0 + np.arange(n_z), -1.0)
        lo.append(np.zeros(len(persons)))
        hi.append(np.zeros(len(persons)))
        r += len(persons)
        # rest: x[p,a] + the x[p,b] of the shifts on one later day too close to a <= 1, found among
        # each person's own pairs in time order (a person has a few dozen, a week has thousands)
        starts = np.array([sl.start.timestamp() for sl in slots])
        ends = np.array([sl.end.timestamp() for sl in slots])
        rest = instance.min_rest_hours * 3600
        by_time = np.lexsort((starts[self.S], self.P))
        ja_parts, jb_parts = [], []
        for k in range(1, n_x):
            a, b = by_time[:-k], by_time[k:]
            near = (self.P[a] == self.P[b]) & (starts[self.S[b]] < ends[self.S[a]] + rest)
            if not near.any():
                break
            late = near & (day_idx[self.S[a]] != day_idx[self.S[b]])
            ja_parts.append(a[late])
            jb_parts.append(b[late])
        if ja_parts and sum(len(x) for x in ja_parts):
            ja, jb = np.concatenate(ja_parts), np.concatenate(jb_parts)
            groups, g_inv = np.unique(ja * n_days + day_idx[self.S[jb]], return_inverse=True)
            block(r + np.arange(len(groups)), groups // n_days, 1.0)
            block(r + g_inv, jb, 1.0)
            lo.append(np.full(len(groups), -inf))
            hi.append(np.ones(len(groups)))
            r += len(groups)
        # weekly hours: sum of the shifts' hours <= what the person can still give
        hours = np.array([sl.hours for sl in slots])
        cap = np.array([np.inf if p.max_hours is None else p.max_hours for p in people])
        capped = np.isfinite(cap[self.P])
        if capped.any():
            cap_people, cap_inv = np.unique(self.P[capped], return_inverse=True)
            block(r + cap_inv, xcol[capped], hours[self.S[capped]])
            lo.append(np.full(len(cap_people), -inf))
            hi.append(cap[cap_people])
            r += len(cap_people)
        # days in a row: in every window of N+1 days, at most N with a shift (confirmed days count)
        n_run = instance.max_consecutive_days
        if n_run is not None and n_x:
            day_of_pair = day_ord[self.S]
            windows_p, windows_w, windows_j = [], [], []
            for offset in range(n_run + 1):
                windows_p.append(self.P)
                windows_w.append(day_of_pair - offset)
                windows_j.append(xcol)
            wp, ww, wj = np.concatenate(windows_p), np.concatenate(windows_w), np.concatenate(windows_j)
            keys_w, w_inv = np.unique(wp * (1 << 32) + ww, return_inverse=True)
            # Distinct days a person could work in each window, plus the days already confirmed there.
            distinct = np.unique(w_inv * (1 << 32) + day_of_pair[wj])
            open_days = np.bincount(distinct >> 32, minlength=len(keys_w))
            w_person, w_start = keys_w >> 32, keys_w & ((1 << 32) - 1)
            worked = np.array(
                [
                    sum(1 for d in people[pp].worked_days if ws <= d <= ws + n_run)
                    for pp, ws in zip(w_person.tolist(), w_start.tolist(), strict=True)
                ],
                dtype=np.int64,
            )
            limit = np.maximum(n_run - worked, 0)
            binding = open_days > limit
            if binding.any():
                row_of = np.full(len(keys_w), -1)
                row_of[binding] = r + np.arange(int(binding.sum()))
                sel_w = binding[w_inv]
                block(row_of[w_inv[sel_w]], wj[sel_w], 1.0)
                lo.append(np.full(int(binding.sum()), -inf))
                hi.append(limit[binding].astype(float))
                r += int(binding.sum())
        # a new volunteer only with an experienced one: new people <= max size x experienced people
        experienced = np.array([p.experienced for p in people], dtype=bool)
        new_pair = ~experienced[self.P]
        new_slots = np.unique(self.S[new_pair])
        if len(new_slots):
            new_row = np.full(n_s, -1)
            new_row[new_slots] = r + np.arange(len(new_slots))
            in_new = new_row[self.S] >= 0
            coef = np.where(new_pair, 1.0, -maxs[self.S])
            block(new_row[self.S[in_new]], xcol[in_new], coef[in_new])
            lo.append(np.full(len(new_slots), -inf))
            hi.append(np.zeros(len(new_slots)))
            r += len(new_slots)
        # nights and weekends, each a ladder like the load (costed in stage 2 only)
        extra_cols, extra_cost = [], []
        next_col = z0 + n_z
        for flag, past_of, weight_of in (
            (np.array([sl.late for sl in slots], dtype=bool), [p.past_nights for p in people], NIGHTS),
            (np.array([sl.weekend for sl in slots], dtype=bool), [p.past_weekends for p in people], WEEKENDS),
        ):
            sel = flag[self.S]
            if not sel.any():
                continue
            who, per_person = np.unique(self.P[sel], return_counts=True)
            n_steps = np.minimum(per_person, np.array([people[p].max_per_week for p in who]))
            step_person = np.repeat(who, n_steps)
            step_k = np.arange(n_steps.sum()) - np.repeat(np.cumsum(n_steps) - n_steps, n_steps)
            cols_here = next_col + np.arange(len(step_person))
            row_of = np.full(len(people), -1)
            row_of[who] = r + np.arange(len(who))
            block(row_of[self.P[sel]], xcol[sel], 1.0)
            block(row_of[step_person], cols_here, -1.0)
            lo.append(np.zeros(len(who)))
            hi.append(np.zeros(len(who)))
            r += len(who)
            past_arr = np.array(past_of, dtype=float)
            extra_cols.append((flag, step_person, step_k, cols_here))
            extra_cost.append(-weight_of * (past_arr[step_person] + step_k + 1))
            next_col += len(step_person)
        self.extra = extra_cols
        self.n = next_col
        self.n_rows = r
        matrix = coo_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, self.n)
        ).tocsc()
        self.matrix = matrix
        self.row_lo, self.row_hi = np.concatenate(lo), np.concatenate(hi)

        # Objectives (maximised). Stage 1: coverage. Stage 2: hands, fairness, preferences, stability.
        self.c1 = np.zeros(self.n)
        self.c1[ycol] = weight
        self.c2 = np.zeros(self.n)
        bonus = FILL * weight[self.S]
        point_ids = np.array([sl.point_id for sl in slots], dtype=np.int64)
        preferred = _pair_in(
            self.P, point_ids[self.S], ((pi, pt) for pi, p in enumerate(people) for pt in p.preferred_points)
        )
        team_ids = np.array([-1 if sl.team_id is None else sl.team_id for sl in slots], dtype=np.int64)
        own_team = _pair_in(
            self.P, team_ids[self.S], ((pi, t) for pi, p in enumerate(people) for t in p.team_ids)
        )
        person_index = {p.id: pi for pi, p in enumerate(people)}
        kept = _pair_in(
            self.P,
            slot_ids[self.S],
            (
                (person_index[pid], sid)
                for sid, members in instance.current.items()
                for pid in members
                if pid in person_index
            ),
        )
        self.c2[xcol] = bonus + PREFERENCE * preferred + PREFERENCE * own_team + STABILITY * kept
        self.c2[z0 + np.arange(n_z)] = -FAIRNESS * (past[z_person] + z_k + 1)
        for (_flag, _person, _k, cols_here), cost in zip(self.extra, extra_cost, strict=True):
            self.c2[cols_here] = cost
        self.z_person, self.z_k, self.z0 = z_person, z_k, z0
        self.integrality = np.zeros(self.n, dtype=bool)
        self.integrality[: n_x + n_s] = True

    def vector(self, instance: Instance, assignments: dict[int, set[int]]) -> np.ndarray:
        """A roster as a full column vector (x, y, and the cheapest ladder steps for each load)."""
        person_index = {p.id: pi for pi, p in enumerate(instance.people)}
        slot_ids = np.array([s.id for s in instance.slots], dtype=np.int64)
        chosen = _pair_in(
            self.P,
            slot_ids[self.S],
            ((person_index[pid], sid) for sid, members in assignments.items() for pid in members),
        )
        v = np.zeros(self.n)
        v[: self.n_x] = chosen
        counts = np.bincount(self.S[chosen], minlength=self.n_s)
        mins = np.array([s.min_people for s in instance.slots])
        v[self.n_x : self.n_x + self.n_s] = counts >= np.maximum(mins, 1)
        load = np.bincount(self.P[chosen], minlength=len(instance.people))
        n_z = len(self.z_person)
        v[self.z0 : self.z0 + n_z] = self.z_k < load[self.z_person]
        for flag, step_person, step_k, cols_here in self.extra:
            counted = np.bincount(self.P[chosen & flag[self.S]], minlength=len(instance.people))
            v[cols_here] = step_k < counted[step_person]
        return v

    def assignments(self, instance: Instance, v: np.ndarray) -> dict[int, set[int]]:
        result: dict[int, set[int]] = {s.id: set() for s in instance.slots}
        for j in np.flatnonzero(v[: self.n_x] > 0.5):
            result[instance.slots[self.S[j]].id].add(instance.people[self.P[j]].id)
        return result

    def highs(self, costs: np.ndarray, *, integral: bool = True) -> highspy.Highs:
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, self.n_rows
        lp.col_cost_ = costs
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.ones(self.n)
        lp.row_lower_, lp.row_upper_ = self.row_lo, self.row_hi
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.matrix.data
        lp.sense_ = highspy.ObjSense.kMaximize
        if integral:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                for i in self.integrality
            ]
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(lp)
        return h


def _lookup(sorted_keys_of, order, wanted: np.ndarray) -> np.ndarray:
    """Positions of ``wanted`` in ``sorted_keys_of`` (sorted by ``order``); -1 where absent."""
    keys = sorted_keys_of[order]
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = (keys[at] == wanted) if len(keys) else np.zeros(len(wanted), dtype=bool)
    return np.where(found, order[at] if len(keys) else -1, -1)


def _pair_in(first: np.ndarray, second: np.ndarray, pairs) -> np.ndarray:
    """For each (first[j], second[j]), whether it is one of ``pairs`` (an iterable of int pairs)."""
    wanted = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    if not len(wanted) or not len(first):
        return np.zeros(len(first), dtype=bool)
    shift = int(max(second.max(initial=0), wanted[:, 1].max(initial=0))) + 2
    wanted = wanted[wanted[:, 1] >= 0]
    return np.isin(first * shift + second + 1, wanted[:, 0] * shift + wanted[:, 1] + 1)


_left_running: list[highspy.Highs] = []  # solves the build stopped waiting for


@atexit.register
def _wait_for_left_running() -> None:
    """Let an interrupted HiGHS thread reach its next check before the process exits (a CLI run)."""
    for h in _left_running:
        h.wait()


def _run(h: highspy.Highs, start: np.ndarray | None, seconds: float, rel_gap: float, presolve: str):
    """One MIP solve with a wall-clock limit: the solution vector (or None), the bound, whether it
    is optimal, and whether HiGHS was left running (then ``h`` must not be touched again)."""
    seconds = max(seconds, 0.05)
    h.setOptionValue("time_limit", seconds)
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("presolve", presolve)
    h.setOptionValue("threads", 1)
    if start is not None:
        h.setSolution(_solution(start))
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)  # it has a start; the jump ignores time
    # HiGHS's own limit is not checked everywhere (root LP, set-up); the interrupt callbacks are.
    deadline = time.perf_counter() + seconds

    def stop_at_deadline(event) -> None:
        if time.perf_counter() > deadline:
            event.interrupt()

    h.cbSimplexInterrupt += stop_at_deadline
    h.cbIpmInterrupt += stop_at_deadline
    h.cbMipInterrupt += stop_at_deadline
    # Solve in HiGHS's own thread and stop waiting at the deadline: if HiGHS is somewhere it does
    # not poll, the build goes on with what it has and the thread ends at HiGHS's next check.
    h.startSolve()
    finished, _status = h.wait(seconds + ABANDON_AFTER)
    if not finished:
        _left_running.append(h)
        return None, None, False, True
    h.cbSimplexInterrupt -= stop_at_deadline
    h.cbIpmInterrupt -= stop_at_deadline
    h.cbMipInterrupt -= stop_at_deadline
    info = h.getInfo()
    status = h.getModelStatus()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.array(h.getSolution().col_value) if has_solution else None
    bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
    return x, bound, status == highspy.HighsModelStatus.kOptimal, False


def _solution(values: np.ndarray) -> highspy.HighsSolution:
    solution = highspy.HighsSolution()
    solution.col_value = values.tolist()
    solution.value_valid = True
    return solution


def solve(
    instance: Instance,
    *,
    time_limit: float = 30.0,
    rel_gap: float = 0.01,
    with_lp_bound: bool = False,
    presolve: str = "off",
) -> Result:
    """The best roster found within ``time_limit`` seconds of wall-clock time, all included."""
    started = time.perf_counter()
    deadline = started + time_limit

    def left() -> float:
        return deadline - time.perf_counter()

    best = heuristic(instance, seconds=time_limit * HEURISTIC_SHARE)
    stages = {"heuristic_s": time.perf_counter() - started}
    if not instance.slots:
        return summarise(
            instance,
            best,
            status="empty",
            seconds=time.perf_counter() - started,
            source="heuristic",
            stages=stages,
        )
    built = time.perf_counter()
    model = Model(instance)
    stages["model_s"] = time.perf_counter() - built
    if model.n_x == 0:
        return summarise(
            instance,
            best,
            status="empty",
            seconds=time.perf_counter() - started,
            source="heuristic",
            stages=stages,
        )
    start = model.vector(instance, best)
    heur_cov = float(model.c1 @ start)
    stages["heuristic_coverage"] = heur_cov

    lp_bound = None
    if with_lp_bound:
        relaxed = model.highs(model.c1, integral=False)
        relaxed.setOptionValue("time_limit", max(left() * 0.2, 0.05))
        relaxed.run()
        if relaxed.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            lp_bound = relaxed.getInfo().objective_function_value

    # Stage 1: coverage.
    t1 = time.perf_counter()
    h = model.highs(model.c1)
    x1, bound, proven, abandoned = _run(h, start, left() * COVERAGE_SHARE, rel_gap, presolve)
    stages["coverage_s"] = time.perf_counter() - t1
    source, kept = "heuristic", start
    if x1 is not None:
        x1 = np.round(x1)
        if model.c1 @ x1 > heur_cov + 1e-6:
            source, kept = "solver", x1
    coverage = float(model.c1 @ kept)
    stages["coverage_bound"] = bound

    # Stage 2: the rest, with the coverage held.
    # HiGHS can run past its limit in places it does not poll; stage 2 leaves a margin for that.
    if not abandoned and left() - STAGE2_MARGIN * time_limit > 0.5:
        t2 = time.perf_counter()
        n_x_y = model.n_x + model.n_s
        ycols = np.arange(model.n_x, n_x_y, dtype=np.int32)
        h.addRow(coverage - 1e-6, highspy.kHighsInf, len(ycols), ycols, model.c1[model.n_x : n_x_y])
        h.changeColsCost(model.n, np.arange(model.n, dtype=np.int32), model.c2)
        h.clearSolver()
        x2, _bound2, _proven, _left = _run(
            h, kept, left() - STAGE2_MARGIN * time_limit, min(rel_gap, 0.001), presolve
        )
        stages["balance_s"] = time.perf_counter() - t2
        if x2 is not None:
            x2 = np.round(x2)  # the held row is met within HiGHS's feasibility tolerance; compare rounded
            if model.c1 @ x2 >= coverage - 1e-6 and model.c2 @ x2 > model.c2 @ kept + 1e-6:
                kept, source = x2, "solver"
    gap = max(bound - coverage, 0.0) / bound if bound else (0.0 if bound == 0 else None)
    status = "optimal" if proven and gap is not None and gap <= rel_gap + 1e-9 else "time_limit"
    return summarise(
        instance,
        model.assignments(instance, kept),
        status=status,
        objective=coverage,
        dual_bound=bound,
        gap=gap,
        lp_bound=lp_bound,
        seconds=time.perf_counter() - started,
        source=source,
        stages=stages,
    )
