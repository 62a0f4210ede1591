"""From the patrols tables to a solver instance and back: build, edit, publish, repair."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from tipboard.database import is_postgresql, utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.jobs import _lock_key, claim_run
from tipboard.outbox import notify, register_message
from tipboard.patrols.availability import availability_of, fits
from tipboard.patrols.history import completed_shifts, is_late, recent_load
from tipboard.patrols.models import (
    LEAD_ROLES,
    Shift,
    SignUp,
    SignUpStatus,
    TeamMember,
    VolunteerProfile,
    team_grid,
)
from tipboard.patrols.priority import weight_for_shift, weights
from tipboard.patrols.shifts import _label, _take_place, generate_shifts, shift_leaders
from tipboard.roster.explain import explain
from tipboard.roster.models import RosterAssignment, RosterGap, RosterRun
from tipboard.roster.repair import repair
from tipboard.roster.solver import Instance, Person, Slot, solve, summarise
from tipboard.roster.validate import Rule, Violation, violations
from tipboard.timezones import from_local, to_local

log = logging.getLogger("tipboard.roster")
JOB = "roster.build"
SHIFTS_JOB = "roster.shifts"

register_message(
    "roster.assigned",
    _l("You are on next week's roster"),
    _l("The roster puts you on %(shift)s on %(when)s."),
)
register_message(
    "roster.refilled",
    _l("You are asked to fill in"),
    _l("Someone dropped out: the roster now puts you on %(shift)s on %(when)s."),
)
register_message(
    "roster.unfilled",
    _l("A patrol could not be refilled"),
    _l("Someone dropped out of %(shift)s on %(when)s and nobody free could take the place."),
)


register_message(
    "roster.gaps_open",
    _l("Patrols on the new roster still need people"),
    _l(
        "The week of %(week)s is published with %(count)s of your teams' patrols still without enough people."
    ),
)


class RosterError(Refusal):
    """``code`` says what went wrong; for "violates", ``problems`` holds the broken rules (for people,
    see ``roster.views.describe``) and ``detail`` their short English form (for logs)."""

    def __init__(self, code: str, problems: list[Violation] | tuple = ()):
        super().__init__(code)
        self.problems = list(problems)
        self.detail = "; ".join(str(p) for p in self.problems)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def next_week(now: dt.datetime | None = None) -> dt.date:
    return monday_of(to_local(now or utcnow()).date()) + dt.timedelta(days=7)


def _week_bounds(week: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return from_local(dt.datetime.combine(week, dt.time())), from_local(
        dt.datetime.combine(week + dt.timedelta(days=7), dt.time())
    )


def instance_for_week(week: dt.date, current: dict[int, set[int]] | None = None) -> tuple[Instance, dict]:
    """The week's shifts and the volunteers who could staff them, as a solver instance."""
    start, end = _week_bounds(week)
    # populate_existing: counts changed by an UPDATE in this transaction (a drop-out) are read fresh.
    shifts = db.session.scalars(
        sa.select(Shift)
        .where(Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(Shift.starts_at)
        .execution_options(populate_existing=True)
    ).all()
    points = {s.point_id: s.point for s in shifts}
    point_weights = weights(points.values())
    # A point with its own team is that team's; any other point is for the teams of its grid (one
    # query for all the week's grids, not one per point).
    grids = {p.grid_id for p in points.values() if p.team_id is None}
    teams_of_grid: dict[int, set[int]] = defaultdict(set)
    if grids:
        for grid_id, team_id in db.session.execute(
            sa.select(team_grid.c.grid_id, team_grid.c.team_id).where(team_grid.c.grid_id.in_(grids))
        ):
            teams_of_grid[grid_id].add(team_id)
    eligible_teams: dict[int, set[int]] = {
        point.id: {point.team_id} if point.team_id is not None else set(teams_of_grid[point.grid_id])
        for point in points.values()
    }
    members = db.session.scalars(sa.select(TeamMember)).all()
    teams_of, lead_teams = defaultdict(set), defaultdict(set)
    for m in members:
        teams_of[m.user_id].add(m.team_id)
        if m.role in LEAD_ROLES:
            lead_teams[m.user_id].add(m.team_id)
    user_ids = list(teams_of)
    profiles = {
        p.user_id: p
        for p in db.session.scalars(sa.select(VolunteerProfile).where(VolunteerProfile.user_id.in_(user_ids)))
    }
    availability = availability_of(user_ids)
    # Shifts people already confirmed, this week and a day either side: they count against the
    # weekly maximum and one a day, and the rest before and after them holds (Sunday night to Monday).
    cfg = current_app.config
    in_row = cfg["ROSTER_MAX_CONSECUTIVE_DAYS"]
    around = dt.timedelta(days=max(1, in_row or 0))
    confirmed = db.session.execute(
        sa.select(SignUp.user_id, SignUp.shift_id, Shift.starts_at, Shift.ends_at, Shift.point_id)
        .join(Shift)
        .where(
            SignUp.status == SignUpStatus.CONFIRMED.value,
            Shift.starts_at >= start - around,
            Shift.starts_at < end + around,
        )
    ).all()
    own_days, own_count, own_times = defaultdict(set), defaultdict(int), defaultdict(list)
    own_hours, worked_days = defaultdict(float), defaultdict(set)
    leader_on = set()
    for user_id, shift_id, starts_at, ends_at, point_id in confirmed:
        own_times[user_id].append((shift_id, starts_at, ends_at))
        worked_days[user_id].add(to_local(starts_at).date().toordinal())
        if not start <= starts_at < end:
            continue
        own_days[user_id].add(to_local(starts_at).date())
        own_count[user_id] += 1
        own_hours[user_id] += (ends_at - starts_at).total_seconds() / 3600
        if point_id in eligible_teams and lead_teams[user_id] & eligible_teams[point_id]:
            leader_on.add(shift_id)
    rest = dt.timedelta(hours=current_app.config["ROSTER_MIN_REST_HOURS"])

    def rested(user_id: int, shift: Shift) -> bool:
        return all(
            shift_id == shift.id or shift.starts_at >= ends_at + rest or starts_at >= shift.ends_at + rest
            for shift_id, starts_at, ends_at in own_times[user_id]
        )

    past, past_nights, past_weekends = recent_load(start)
    completed = completed_shifts(user_ids)
    late_hour = cfg["ROSTER_LATE_HOUR"]
    grid_points = defaultdict(set)
    for point in points.values():
        grid_points[point.grid_id].add(point.id)

    slots, shift_by_id = [], {}
    for shift in shifts:
        open_min = shift.min_volunteers - shift.confirmed_count
        open_max = shift.max_volunteers - shift.confirmed_count
        if open_min <= 0 or open_max <= 0:
            continue  # already staffed by sign-ups
        shift_by_id[shift.id] = shift
        slots.append(
            Slot(
                id=shift.id,
                point_id=shift.point_id,
                start=shift.starts_at,
                end=shift.ends_at,
                min_people=open_min,
                max_people=open_max,
                requires_leader=shift.requires_leader and shift.id not in leader_on,
                weight=weight_for_shift(point_weights[shift.point_id], shift.starts_at),
                team_id=points[shift.point_id].team_id,
                teams=frozenset(eligible_teams[shift.point_id]),
                late=is_late(shift.starts_at, shift.ends_at, late_hour),
                weekend=to_local(shift.starts_at).weekday() >= 5,
            )
        )
    people = []
    for user_id in user_ids:
        profile = profiles.get(user_id)
        max_week = (profile.max_shifts_per_week if profile else 2) - own_count[user_id]
        available = frozenset(
            slot.id
            for slot in slots
            if teams_of[user_id] & eligible_teams[slot.point_id]
            and fits(availability[user_id], shift_by_id[slot.id])
            and to_local(slot.start).date() not in own_days[user_id]
            and rested(user_id, shift_by_id[slot.id])
        )
        cap = profile.max_hours_per_week if profile and profile.max_hours_per_week is not None else None
        cap = cfg["ROSTER_MAX_HOURS_PER_WEEK"] if cap is None else cap
        home = profile.home_grid_id if profile else None
        people.append(
            Person(
                id=user_id,
                team_ids=frozenset(teams_of[user_id]),
                is_leader=bool(lead_teams[user_id]),
                lead_teams=frozenset(lead_teams[user_id]),
                max_per_week=max(max_week, 0),
                available=available,
                past_load=past.get(user_id, 0),
                preferred_points=frozenset(grid_points.get(home, ())),
                max_hours=max(cap - own_hours[user_id], 0.0),
                avoid_late=bool(profile and profile.avoid_late),
                experienced=bool(lead_teams[user_id])
                or completed.get(user_id, 0) >= cfg["ROSTER_NEW_VOLUNTEER_SHIFTS"],
                past_nights=past_nights.get(user_id, 0),
                past_weekends=past_weekends.get(user_id, 0),
                worked_days=frozenset(worked_days[user_id]),
            )
        )
    instance = Instance(
        people=people,
        slots=slots,
        min_rest_hours=cfg["ROSTER_MIN_REST_HOURS"],
        current=current or {},
        day_of=lambda when: to_local(when).date(),
        max_consecutive_days=in_row,
    )
    return instance, shift_by_id


def _store(week: dt.date, result, instance: Instance, actor) -> RosterRun:
    run = RosterRun(
        week=week,
        solver_status=result.status,
        objective=result.objective,
        dual_bound=result.dual_bound,
        gap=result.gap,
        lp_bound=result.lp_bound,
        solve_seconds=round(result.seconds, 3),
        coverage_pct=result.coverage_pct,
        staffed=result.staffed,
        wanted=result.wanted,
        load_min=result.load_min,
        load_max=result.load_max,
        jain=result.jain,
        idle_available=result.idle_available,
        built_by_id=actor.id if actor else None,
    )
    db.session.add(run)
    for shift_id, members in result.assignments.items():
        for user_id in members:
            run.assignments.append(RosterAssignment(shift_id=shift_id, user_id=user_id))
    for shift_id, reason in explain(instance, result.assignments).items():
        run.gaps.append(RosterGap(shift_id=shift_id, reason=reason.value))
    db.session.flush()
    return run


def _solve(instance: Instance, started: float):
    """Solve within what is left of the build's wall-clock budget (reading the week counts too)."""
    cfg = current_app.config
    left = cfg["ROSTER_TIME_LIMIT"] - (time.perf_counter() - started)
    return solve(instance, time_limit=max(left, 1.0), rel_gap=cfg["ROSTER_REL_GAP"])


def build_week(week: dt.date, actor=None) -> RosterRun | None:
    """Build the week's roster once. A second build (another scheduler, a restart, the button
    pressed twice) finds the guard taken and does nothing: returns None."""
    started = time.perf_counter()
    week = monday_of(week)
    if not claim_run(JOB, week.isoformat()):
        return None
    instance, _shifts = instance_for_week(week)
    run = _store(week, _solve(instance, started), instance, actor)
    log.info("roster.built week=%s run=%s coverage=%s", week, run.id, run.coverage_pct)
    return run


def generate_week(week: dt.date) -> list[Shift] | None:
    """The week's shifts from the templates active now, once: a second call (another scheduler, a
    restart, the job run by hand) finds the guard taken and makes nothing (returns None)."""
    week = monday_of(week)
    if not claim_run(SHIFTS_JOB, week.isoformat()):
        return None
    return generate_shifts(week)


def run_week(week: dt.date) -> tuple[list[Shift] | None, RosterRun | None]:
    """What the weekly job does: the week's shifts from the templates, then its roster; each once."""
    made = generate_week(week)
    run = build_week(week)
    log.info("roster.week week=%s shifts_made=%s run=%s", monday_of(week), made and len(made), run and run.id)
    return made, run


def rebuild_draft(run: RosterRun, actor) -> RosterRun:
    """Replace a draft on purpose, keeping what leaders edited as far as the constraints allow."""
    started = time.perf_counter()
    if is_postgresql(db.session.get_bind()):
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(JOB, run.week.isoformat()))))
    replaced = db.session.execute(
        sa.update(RosterRun)
        .where(RosterRun.id == run.id, RosterRun.state == "draft")
        .values(state="superseded")
        .execution_options(synchronize_session=False)
    ).rowcount
    if replaced != 1:
        raise RosterError("not_draft")
    instance, _shifts = instance_for_week(run.week, assignments_of(run))
    new = _store(run.week, _solve(instance, started), instance, actor)
    # A gap kept open on purpose stays kept in the new draft while it is still a gap there.
    kept = {g.shift_id: g for g in run.gaps if g.kept_open}
    for gap in new.gaps:
        if gap.shift_id in kept:
            old = kept[gap.shift_id]
            gap.kept_open, gap.kept_reason, gap.kept_by_id, gap.kept_at = (
                True,
                old.kept_reason,
                old.kept_by_id,
                old.kept_at,
            )
    db.session.flush()
    return new


def assignments_of(run: RosterRun) -> dict[int, set[int]]:
    result = defaultdict(set)
    for a in run.assignments:
        result[a.shift_id].add(a.user_id)
    return result


def edit(run: RosterRun, shift_id: int, user_id: int, add: bool, actor) -> None:
    """A leader moves people by hand; the hard constraints still hold or nothing changes."""
    if add:
        fill(run, shift_id, {user_id}, actor)
        return
    if run.state != "draft":
        raise RosterError("not_draft")
    proposed = assignments_of(run)
    proposed[shift_id].discard(user_id)
    instance, _shifts = instance_for_week(run.week)
    open_slots = {slot.id for slot in instance.slots}
    problems = violations(instance, {sid: members for sid, members in proposed.items() if sid in open_slots})
    if problems:
        raise RosterError("violates", problems[:3])
    for a in list(run.assignments):
        if a.shift_id == shift_id and a.user_id == user_id:
            run.assignments.remove(a)
    _refresh(run, instance)


def fill(run: RosterRun, shift_id: int, user_ids: set[int], actor) -> None:
    """A leader staffs a patrol with the people they chose together (a leader and members), checked
    as a whole: all of them are placed, or none if any rule would break."""
    if run.state != "draft":
        raise RosterError("not_draft")
    instance, _shifts = instance_for_week(run.week)
    open_slots = {slot.id for slot in instance.slots}
    if shift_id not in open_slots:
        raise RosterError("violates", [Violation(Rule.NOT_OPEN, shift_id)])
    proposed = assignments_of(run)
    new = set(user_ids) - proposed[shift_id]
    proposed[shift_id] |= new
    problems = violations(instance, {sid: members for sid, members in proposed.items() if sid in open_slots})
    if problems:
        raise RosterError("violates", problems[:3])
    for user_id in sorted(new):
        run.assignments.append(RosterAssignment(shift_id=shift_id, user_id=user_id, edited=True))
    _refresh(run, instance)


def _refresh(run: RosterRun, instance: Instance) -> None:
    """After a hand edit: the draft's figures and its gaps (with true reasons) as it now stands."""
    db.session.flush()
    current = assignments_of(run)
    figures = summarise(instance, current, status=run.solver_status)
    run.coverage_pct, run.staffed, run.jain = figures.coverage_pct, figures.staffed, figures.jain
    run.load_min, run.load_max, run.idle_available = (
        figures.load_min,
        figures.load_max,
        figures.idle_available,
    )
    reasons = explain(
        instance, {sid: m for sid, m in current.items() if sid in {s.id for s in instance.slots}}
    )
    for gap in list(run.gaps):
        if gap.shift_id not in reasons:
            run.gaps.remove(gap)
        else:
            gap.reason = reasons.pop(gap.shift_id).value
    for shift_id, reason in reasons.items():
        run.gaps.append(RosterGap(shift_id=shift_id, reason=reason.value))
    db.session.flush()


def publish(run: RosterRun, actor) -> int:
    """Turn a draft into sign-ups, tell each volunteer (their calendar feed shows it at once).
    Returns how many people were told: a person on three shifts counts once."""
    if (
        db.session.execute(
            sa.update(RosterRun)
            .where(RosterRun.id == run.id, RosterRun.state == "draft")
            .values(state="published", published_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        != 1
    ):
        raise RosterError("not_draft")
    told = set()
    for a in run.assignments:
        existing = db.session.scalar(
            sa.select(SignUp).where(SignUp.shift_id == a.shift_id, SignUp.user_id == a.user_id)
        )
        if existing is not None and existing.status == SignUpStatus.CONFIRMED.value:
            continue
        if not _take_place(a.shift_id):
            continue
        signup = existing or SignUp(shift_id=a.shift_id, user_id=a.user_id)
        signup.status, signup.source = SignUpStatus.CONFIRMED.value, "roster"
        db.session.add(signup)
        notify(a.user, "roster.assigned", _label(a.shift))
        told.add(a.user_id)
    # Each leader hears once how many of their patrols still need people; a gap kept open on
    # purpose is not one of them.
    open_gaps: dict[int, list] = defaultdict(list)
    leaders = {}
    for gap in run.gaps:
        if gap.kept_open:
            continue
        for leader in shift_leaders(gap.shift):
            leaders[leader.id] = leader
            open_gaps[leader.id].append(gap)
    for leader_id, gaps in open_gaps.items():
        notify(leaders[leader_id], "roster.gaps_open", {"week": run.week.isoformat(), "count": len(gaps)})
    db.session.flush()
    db.session.refresh(run)
    return len(told)


def refill(signup: SignUp) -> SignUp | None:
    """After a drop-out from a published roster: one replacement, nobody else moved."""
    shift = signup.shift
    week = monday_of(to_local(shift.starts_at).date())
    instance, shift_by_id = instance_for_week(week)
    if shift.id not in shift_by_id:
        return None  # still staffed enough
    current = defaultdict(set)
    for other in db.session.scalars(
        sa.select(SignUp)
        .join(Shift)
        .where(SignUp.status == SignUpStatus.CONFIRMED.value, Shift.id.in_(list(shift_by_id)))
    ):
        current[other.shift_id].add(other.user_id)
    person_id = repair(instance, dict(current), shift.id)
    if person_id is None:
        for leader in shift_leaders(shift):
            notify(leader, "roster.unfilled", _label(shift))
        return None
    if not _take_place(shift.id):
        return None
    replacement = db.session.scalar(
        sa.select(SignUp).where(SignUp.shift_id == shift.id, SignUp.user_id == person_id)
    ) or SignUp(shift_id=shift.id, user_id=person_id)
    replacement.status, replacement.source = SignUpStatus.CONFIRMED.value, "roster"
    db.session.add(replacement)
    db.session.flush()
    notify(replacement.user, "roster.refilled", _label(shift))
    return replacement
