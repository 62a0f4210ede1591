"""Shifts: generating them from templates, signing up (capacity in the transaction), dropping out,
the waitlist, swaps. Services flush; callers commit."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from tipboard.database import utcnow
from tipboard.events import signup_dropped
from tipboard.extensions import db
from tipboard.moderation.services import enqueue
from tipboard.outbox import notify, register_message
from tipboard.patrols.errors import PatrolError  # re-exported: views and tests catch shifts.PatrolError
from tipboard.patrols.models import (
    LEAD_ROLES,
    PatrolPoint,
    Shift,
    ShiftTemplate,
    SignUp,
    SignUpStatus,
    SwapRequest,
    Team,
    TeamMember,
    team_grid,
)
from tipboard.permissions import STAFF
from tipboard.timezones import from_local, to_local

log = logging.getLogger("tipboard.patrols")

register_message(
    "patrols.confirmed", _l("You are on a shift"), _l("You are signed up for %(shift)s on %(when)s.")
)
register_message(
    "patrols.waitlisted",
    _l("You are on the waiting list"),
    _l("%(shift)s on %(when)s is full; you are on the waiting list and will be told if a place frees up."),
)
register_message(
    "patrols.promoted",
    _l("A place freed up for you"),
    _l("A place freed up: you are now on %(shift)s on %(when)s."),
)
register_message(
    "patrols.late_drop",
    _l("A volunteer dropped out late"),
    _l("%(name)s dropped out of %(shift)s on %(when)s."),
)
register_message(
    "patrols.swap_offered",
    _l("A shift swap is offered to you"),
    _l("%(name)s offers you their place on %(shift)s on %(when)s. Open My shifts to take it."),
)


def _label(shift: Shift) -> dict:
    return {
        "shift": shift.title or shift.point.names,  # the point in each reader's language
        "when": to_local(shift.starts_at).strftime("%Y-%m-%d %H:%M"),
    }


# --- generating shifts ----------------------------------------------------------------------------


def generate_shifts(week_start: dt.date, templates=None) -> list[Shift]:
    """Dated shifts for the week starting on ``week_start`` (a Monday) from the active templates.
    Idempotent: a (template, start) pair exists once."""
    templates = (
        templates
        if templates is not None
        else db.session.scalars(sa.select(ShiftTemplate).where(ShiftTemplate.active.is_(True))).all()
    )
    made = []
    for template in templates:
        for weekday in template.weekdays:
            day = week_start + dt.timedelta(days=int(weekday))
            starts = from_local(dt.datetime.combine(day, template.start_time))
            ends = from_local(dt.datetime.combine(day, template.end_time))
            if ends <= starts:
                ends += dt.timedelta(days=1)
            if db.session.scalar(
                sa.select(Shift.id).where(Shift.template_id == template.id, Shift.starts_at == starts)
            ):
                continue
            shift = Shift(
                point_id=template.point_id,
                template_id=template.id,
                shift_type=template.shift_type,
                title=template.title,
                starts_at=starts,
                ends_at=ends,
                min_volunteers=template.min_volunteers,
                max_volunteers=template.max_volunteers,
                requires_leader=template.requires_leader,
            )
            db.session.add(shift)
            made.append(shift)
    db.session.flush()
    return made


# --- who may do what --------------------------------------------------------------------------------


def teams_of(user) -> list[Team]:
    return list(db.session.scalars(sa.select(Team).join(TeamMember).where(TeamMember.user_id == user.id)))


def eligible_teams(point: PatrolPoint) -> sa.Select:
    """Teams that may patrol a point: its own team, else every team whose area holds its grid."""
    if point.team_id is not None:
        return sa.select(Team.id).where(Team.id == point.team_id)
    return sa.select(team_grid.c.team_id).where(team_grid.c.grid_id == point.grid_id)


def points_patrolled_by(team_ids) -> sa.ColumnElement[bool]:
    """A WHERE clause on PatrolPoint: points any of these teams may patrol (the set form of
    :func:`eligible_teams`, for lists that must not ask once per row)."""
    team_ids = list(team_ids)
    grids = sa.select(team_grid.c.grid_id).where(team_grid.c.team_id.in_(team_ids))
    return sa.or_(
        PatrolPoint.team_id.in_(team_ids),
        sa.and_(PatrolPoint.team_id.is_(None), PatrolPoint.grid_id.in_(grids)),
    )


def is_eligible(user, shift: Shift) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(TeamMember)
            .where(TeamMember.user_id == user.id, TeamMember.team_id.in_(eligible_teams(shift.point)))
        )
        > 0
    )


def led_team_ids(user) -> list[int]:
    """The teams ``user`` leads or deputises for."""
    return list(
        db.session.scalars(
            sa.select(TeamMember.team_id).where(
                TeamMember.user_id == user.id, TeamMember.role.in_(LEAD_ROLES)
            )
        )
    )


def leads_point(user, point: PatrolPoint) -> bool:
    """A leader or deputy of a team that patrols this point."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(TeamMember)
            .where(
                TeamMember.user_id == user.id,
                TeamMember.team_id.in_(eligible_teams(point)),
                TeamMember.role.in_(LEAD_ROLES),
            )
        )
        > 0
    )


def leads_shift(user, shift: Shift) -> bool:
    """A leader or deputy of a team that patrols this shift's point."""
    return leads_point(user, shift.point)


def can_lead_point(user, point: PatrolPoint) -> bool:
    """Station staff, or a leader or deputy of a team that patrols the point: who may print its
    check-in code. Leaders act for their own teams' points only."""
    return user.has_role(*STAFF) or leads_point(user, point)


def points_led_by(user) -> sa.ColumnElement[bool]:
    """A WHERE clause on PatrolPoint: every point for station staff, else the points of the teams
    ``user`` leads (none for someone who leads no team)."""
    if user.has_role(*STAFF):
        return sa.true()
    return points_patrolled_by(led_team_ids(user))


def can_lead_shift(user, shift: Shift) -> bool:
    """Station staff, or a leader or deputy of a team that patrols the shift: who may check
    people in by hand, close the shift and decide on its swaps."""
    return user.has_role(*STAFF) or leads_shift(user, shift)


def overlapping(user_id: int, shift: Shift) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SignUp)
            .join(Shift)
            .where(
                SignUp.user_id == user_id,
                SignUp.shift_id != shift.id,
                SignUp.status.in_([SignUpStatus.CONFIRMED.value, SignUpStatus.WAITLISTED.value]),
                Shift.starts_at < shift.ends_at,
                Shift.ends_at > shift.starts_at,
            )
        )
        > 0
    )


# --- signing up and dropping out ------------------------------------------------------------------


def _take_place(shift_id: int) -> bool:
    """One conditional UPDATE: of two people taking the last place at once, one gets it."""
    return (
        db.session.execute(
            sa.update(Shift)
            .where(Shift.id == shift_id, Shift.confirmed_count < Shift.max_volunteers)
            .values(confirmed_count=Shift.confirmed_count + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _free_place(shift_id: int) -> None:
    db.session.execute(
        sa.update(Shift)
        .where(Shift.id == shift_id, Shift.confirmed_count > 0)
        .values(confirmed_count=Shift.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )


def sign_up(shift: Shift, user, *, source: str = "self", now: dt.datetime | None = None) -> SignUp:
    now = now or utcnow()
    if shift.starts_at <= now:
        raise PatrolError("started")
    if not is_eligible(user, shift):
        raise PatrolError("not_eligible")
    if overlapping(user.id, shift):
        raise PatrolError("overlap")
    existing = db.session.scalar(
        sa.select(SignUp).where(SignUp.shift_id == shift.id, SignUp.user_id == user.id)
    )
    if existing is not None and existing.status in (
        SignUpStatus.CONFIRMED.value,
        SignUpStatus.WAITLISTED.value,
    ):
        raise PatrolError("already")
    status = SignUpStatus.CONFIRMED if _take_place(shift.id) else SignUpStatus.WAITLISTED
    signup = existing or SignUp(shift_id=shift.id, user_id=user.id)
    signup.status, signup.source = status.value, source
    signup.created_at = now  # a returning volunteer queues at the back
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:
        raise PatrolError("already") from None
    db.session.refresh(shift)
    notify(user, f"patrols.{status.value}", _label(shift))
    return signup


def _change_status(signup_id: int, old: str, new: str, **values) -> bool:
    """One conditional UPDATE of a sign-up's status: of two requests changing the same sign-up at
    once (a double click, a drop during a swap), one does it and the other sees it already done."""
    return (
        db.session.execute(
            sa.update(SignUp)
            .where(SignUp.id == signup_id, SignUp.status == old)
            .values(status=new, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def promote_waitlist(shift: Shift) -> SignUp | None:
    """The first on the waiting list takes a free place; the place and the person are each taken
    by a conditional UPDATE, so two promotions at once never confirm one person twice."""
    for _attempt in range(3):
        first = db.session.scalar(
            sa.select(SignUp)
            .where(SignUp.shift_id == shift.id, SignUp.status == SignUpStatus.WAITLISTED.value)
            .order_by(SignUp.created_at, SignUp.id)
            .limit(1)
        )
        if first is None or not _take_place(shift.id):
            return None
        if _change_status(first.id, SignUpStatus.WAITLISTED.value, SignUpStatus.CONFIRMED.value):
            db.session.refresh(first)
            notify(first.user, "patrols.promoted", _label(shift))
            return first
        _free_place(shift.id)  # someone else promoted (or removed) that person meanwhile
    return None


def drop_out(signup: SignUp, actor, now: dt.datetime | None = None) -> SignUp | None:
    """Leave a shift. The first on the waiting list takes the place; a late drop tells the leaders."""
    now = now or utcnow()
    shift = signup.shift
    was = signup.status
    if was not in (SignUpStatus.CONFIRMED.value, SignUpStatus.WAITLISTED.value):
        raise PatrolError("not_signed_up")
    if shift.starts_at <= now:
        raise PatrolError("started")
    if not _change_status(signup.id, was, SignUpStatus.DROPPED.value):
        raise PatrolError("not_signed_up")  # left (or swapped away) meanwhile
    db.session.refresh(signup)
    promoted = None
    if was == SignUpStatus.CONFIRMED.value:
        _free_place(shift.id)
        promoted = promote_waitlist(shift)
        if shift.starts_at - now < dt.timedelta(hours=current_app.config["PATROL_LATE_DROP_HOURS"]):
            for leader in shift_leaders(shift):
                notify(leader, "patrols.late_drop", {"name": signup.user.name, **_label(shift)})
        signup_dropped.send(signup, promoted=promoted)
    db.session.refresh(shift)
    return promoted


def shift_leaders(shift: Shift) -> list:
    members = db.session.scalars(
        sa.select(TeamMember).where(
            TeamMember.team_id.in_(eligible_teams(shift.point)), TeamMember.role.in_(LEAD_ROLES)
        )
    ).all()
    return list({m.user_id: m.user for m in members}.values())


# --- swaps ---------------------------------------------------------------------------------------------


def is_on_shift(user_id: int, shift_id: int) -> bool:
    """Whether the person is confirmed on the shift: such a person is never offered its swaps."""
    return (
        db.session.scalar(
            sa.select(SignUp.id).where(
                SignUp.shift_id == shift_id,
                SignUp.user_id == user_id,
                SignUp.status == SignUpStatus.CONFIRMED.value,
            )
        )
        is not None
    )


def offer_swap(signup: SignUp, to_user=None, now: dt.datetime | None = None) -> SwapRequest:
    if signup.status != SignUpStatus.CONFIRMED.value:
        raise PatrolError("not_signed_up")
    if signup.shift.starts_at <= (now or utcnow()):
        raise PatrolError("started")  # a shift that began (or was closed) is not swapped
    if to_user is not None and is_on_shift(to_user.id, signup.shift_id):
        raise PatrolError("already_on_shift")
    swap = SwapRequest(signup_id=signup.id, to_user_id=to_user.id if to_user else None)
    db.session.add(swap)
    db.session.flush()
    if to_user is not None:
        notify(to_user, "patrols.swap_offered", {"name": signup.user.name, **_label(signup.shift)})
    return swap


def _move_swap(swap: SwapRequest, old: str, new: str, **values) -> bool:
    """One conditional UPDATE of a swap's state: of several people taking (or leaders deciding)
    one swap at once, exactly one moves it on; the others find it no longer open."""
    moved = (
        db.session.execute(
            sa.update(SwapRequest)
            .where(SwapRequest.id == swap.id, SwapRequest.status == old)
            .values(status=new, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    if moved:
        db.session.refresh(swap)
    return moved


def take_swap(swap: SwapRequest, user) -> str:
    """The taker accepts. Without team approval the places change hands at once; with it, the
    swap goes into the queue of a team that asks for approval and waits for its leaders.
    Returns "done" or "pending_approval". Someone already confirmed on the shift cannot take it."""
    signup = swap.signup
    if swap.status != "open" or signup.status != SignUpStatus.CONFIRMED.value:
        raise PatrolError("swap_closed")
    if swap.to_user_id not in (None, user.id) or user.id == signup.user_id:
        raise PatrolError("not_for_you")
    if signup.shift.starts_at <= utcnow():
        raise PatrolError("started")
    if is_on_shift(user.id, signup.shift_id):
        raise PatrolError("already_on_shift")
    if not is_eligible(user, signup.shift):
        raise PatrolError("not_eligible")
    if overlapping(user.id, signup.shift):
        raise PatrolError("overlap")
    approving = [
        t
        for t in db.session.scalars(
            sa.select(Team).where(Team.id.in_(eligible_teams(signup.shift.point))).order_by(Team.id)
        )
        if t.swaps_need_approval
    ]
    if approving:
        if not _move_swap(swap, "open", "pending_approval", taken_by_id=user.id):
            raise PatrolError("swap_closed")
        # the swap waits for the leaders of the first team that asks to approve swaps
        enqueue("swap_request", swap.id, subject=swap, team_id=approving[0].id, actor=user)
        return "pending_approval"
    if not _move_swap(swap, "open", "done", taken_by_id=user.id):
        raise PatrolError("swap_closed")
    _hand_over(swap)
    return "done"


def complete_swap(swap: SwapRequest) -> None:
    """A leader approved a taken swap: the places change hands (once, however many approve)."""
    if not _move_swap(swap, "pending_approval", "done"):
        raise PatrolError("already_decided")
    _hand_over(swap)


def decline_swap(swap: SwapRequest) -> None:
    if not _move_swap(swap, "pending_approval", "declined"):
        raise PatrolError("already_decided")


def _hand_over(swap: SwapRequest) -> None:
    """The offerer leaves and the taker takes their place, each by a conditional change, so the
    shift's count stays right: refused (and rolled back by the caller) when the offerer already
    left or the taker is already confirmed on the shift."""
    signup = swap.signup
    if not _change_status(signup.id, SignUpStatus.CONFIRMED.value, SignUpStatus.DROPPED.value):
        raise PatrolError("swap_closed")
    taker_row = db.session.scalar(
        sa.select(SignUp).where(SignUp.shift_id == signup.shift_id, SignUp.user_id == swap.taken_by_id)
    )
    if taker_row is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    SignUp(
                        shift_id=signup.shift_id,
                        user_id=swap.taken_by_id,
                        status=SignUpStatus.CONFIRMED.value,
                        source="swap",
                    )
                )
        except IntegrityError:
            raise PatrolError("already_on_shift") from None
    elif taker_row.status == SignUpStatus.CONFIRMED.value or not _change_status(
        taker_row.id, taker_row.status, SignUpStatus.CONFIRMED.value, source="swap"
    ):
        raise PatrolError("already_on_shift")
    db.session.expire(signup)
    if taker_row is not None:
        db.session.refresh(taker_row)
    db.session.flush()


# --- closing a shift -----------------------------------------------------------------------------------


def close_shift(shift: Shift, report: str, actor, now: dt.datetime | None = None) -> None:
    """A leader (or staff) closes the shift with a report; the report goes to the station's queue."""
    if not can_lead_shift(actor, shift):
        raise PatrolError("not_leader")
    if shift.closed_at is not None:
        raise PatrolError("already_closed")
    now = now or utcnow()
    if now < shift.starts_at:
        raise PatrolError("not_started")  # a shift is closed after it began, never before
    shift.report, shift.closed_at, shift.closed_by_id = report.strip(), now, actor.id
    db.session.flush()
    enqueue("patrol_report", shift.id, subject=shift, grid_id=shift.point.grid_id, actor=actor)
