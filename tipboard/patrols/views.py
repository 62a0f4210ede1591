from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from babel.dates import format_skeleton
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import aliased, contains_eager

from tipboard.admin.services import AdminError
from tipboard.auth.models import User
from tipboard.auth.services import find_by_login
from tipboard.csvexport import csv_response
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.geo import Grid
from tipboard.links import external_url
from tipboard.moderation.registry import ActionRefused
from tipboard.moderation.services import QueueError, item_for, perform
from tipboard.nav import register_nav
from tipboard.patrols import bp, calendar, checkin, history, hours, patrol_log, priority, shifts, teams
from tipboard.patrols.availability import (
    add_slot,
    availability_of,
    delete_away,
    delete_slot,
    fits,
    move_away,
    update_slot,
)
from tipboard.patrols.forms import (
    ActionForm,
    ApplyForm,
    AvailabilityForm,
    AwayForm,
    GenerateForm,
    ObservationForm,
    PointForm,
    ProfileForm,
    ReportForm,
    SwapForm,
    TeamForm,
    TemplateForm,
)
from tipboard.patrols.models import (
    Availability,
    AvailabilityException,
    MemberRole,
    Observation,
    PatrolPoint,
    Shift,
    ShiftTemplate,
    SignUp,
    SignUpStatus,
    SwapRequest,
    Team,
    TeamApplication,
    TeamInvite,
    TeamMember,
    VolunteerProfile,
)
from tipboard.patrols.points import create_point
from tipboard.permissions import LEADERS, STAFF, VOLUNTEERS, login_required, public, roles_required
from tipboard.qr import qr_svg
from tipboard.timezones import local_now

register_nav("patrols.index", _l("Patrols"), roles=(), order=50)

ERRORS = {
    "started": _l("That shift has already started."),
    "not_eligible": _l("That shift is for another team's area."),
    "overlap": _l("You are already on a shift at that time."),
    "already": _l("You are already signed up for that shift."),
    "not_signed_up": _l("You are not on that shift."),
    "swap_closed": _l("That swap is no longer open."),
    "not_for_you": _l("That swap is offered to someone else."),
    "already_on_shift": _l("They are already on that shift."),
    "already_member": _l("You are already in that team."),
    "already_applied": _l("Your application is already waiting for the leaders."),
    "already_decided": _l("That was already decided."),
    "not_leader": _l("Only the team's leaders can do that."),
    "qr_expired": _l("This code has expired. Ask a leader for a new one."),
    "qr_invalid": _l("This code is not a tipboard patrol point."),
    "no_current_shift": _l("You have no shift at this point right now."),
    "already_out": _l("You have already checked out of this shift."),
    "already_closed": _l("That shift is already closed."),
    "bad_slot": _l("Give a day and a time range that ends after it starts."),
    "shift_closed": _l("That shift is closed."),
    "checkin_not_open": _l("Check-in has not opened yet: it opens %(minutes)d minutes before the start."),
    "checkin_over": _l("That shift is over; check-in has closed."),
    "checkout_too_early": _l("You can check out once the shift has started."),
    "not_started": _l("A shift can be closed only after it has started."),
    "bad_day": _l("Give a date."),
    "not_yours": _l("That is not yours to change."),
    "already_away": _l("That day is already on your list."),
}


def _error(exc: shifts.PatrolError) -> str:
    message = str(ERRORS[exc.code])
    return message % exc.params if exc.params else message


def _open_shifts(
    user, team_ids: list[int], limit: int = 30, show_all: bool = False
) -> tuple[list[Shift], str]:
    """Upcoming shifts in the user's teams' areas, those still needing people first, and how they
    were chosen: "all", "fitting" (only those that fit the volunteer's availability, some hidden),
    or "none_fit" (all shown, as none fits)."""
    if not team_ids:
        return [], "all"
    rows = db.session.scalars(
        sa.select(Shift)
        .join(Shift.point)
        .options(contains_eager(Shift.point))
        .where(
            Shift.starts_at > utcnow(),
            Shift.starts_at < utcnow() + dt.timedelta(days=14),
            shifts.points_patrolled_by(team_ids),
        )
        .order_by(Shift.starts_at)
        .limit(200)
    ).all()
    availability = availability_of([user.id])[user.id]
    fitting = [s for s in rows if fits(availability, s)]
    if show_all or len(fitting) == len(rows):
        fitting, chosen = list(rows), "all"
    elif not fitting:
        fitting, chosen = list(rows), "none_fit"
    else:
        chosen = "fitting"
    fitting.sort(key=lambda s: (s.still_needed == 0, s.starts_at))
    return fitting[:limit], chosen


def _confirmed_on(shift_id_column, user_id: int) -> sa.Exists:
    mine = aliased(SignUp)
    return (
        sa.select(mine.id)
        .where(
            mine.shift_id == shift_id_column,
            mine.user_id == user_id,
            mine.status == SignUpStatus.CONFIRMED.value,
        )
        .exists()
    )


@bp.get("/")
@login_required
def index():
    """My shifts, swaps offered to me and open shifts, in a fixed number of queries however many rows."""
    my_teams = shifts.teams_of(current_user)
    team_ids = [t.id for t in my_teams]
    mine = db.session.scalars(
        sa.select(SignUp)
        .join(SignUp.shift)
        .options(contains_eager(SignUp.shift))
        .where(
            SignUp.user_id == current_user.id,
            SignUp.status.in_([SignUpStatus.CONFIRMED.value, SignUpStatus.WAITLISTED.value]),
            Shift.ends_at >= utcnow(),
        )
        .order_by(Shift.starts_at)
    ).all()
    offers = (
        db.session.scalars(
            sa.select(SwapRequest)
            .join(SwapRequest.signup)
            .join(SignUp.shift)
            .join(Shift.point)
            .options(
                contains_eager(SwapRequest.signup).contains_eager(SignUp.shift).contains_eager(Shift.point)
            )
            .where(
                SwapRequest.status == "open",
                sa.or_(SwapRequest.to_user_id == current_user.id, SwapRequest.to_user_id.is_(None)),
                SignUp.user_id != current_user.id,
                ~_confirmed_on(SignUp.shift_id, current_user.id),  # already on it: nothing to take
                shifts.points_patrolled_by(team_ids),
            )
            .order_by(Shift.starts_at)
        ).all()
        if team_ids
        else []
    )
    show_all = request.args.get("all") == "1"
    open_shifts, chosen = _open_shifts(current_user, team_ids, show_all=show_all)
    return render_template(
        "patrols/index.html",
        mine=mine,
        open_shifts=open_shifts,
        chosen=chosen,
        show_all=show_all,
        teams=my_teams,
        offers=offers,
        invites=teams.pending_invites(current_user),
        form=ActionForm(),
    )


# --- teams ---------------------------------------------------------------------------------------------


@bp.get("/teams")
@login_required
def team_list():
    rows = db.session.scalars(sa.select(Team).order_by(Team.name_en)).all()
    return render_template(
        "patrols/teams.html", teams=rows, form=ApplyForm(), applied=teams.applied_team_ids(current_user)
    )


TEAM_REFUSALS = {
    "team_name_taken": _l("Another team already has that name."),
    "team_refused": _l(
        "The team could not be saved: the database refused one of its values. "
        "Nothing was changed; check the fields and try again."
    ),
}


@bp.route("/teams/new", methods=["GET", "POST"], defaults={"team_id": None})
@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_team(team_id: int | None):
    """Station staff name a team in both languages and say which grids it patrols."""
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        abort(404)
    form = TeamForm(obj=team)
    form.grids.choices = [
        (str(g.id), g.name) for g in db.session.scalars(sa.select(Grid).order_by(Grid.code))
    ]
    if team is not None and request.method == "GET":
        form.grids.data = [str(g.id) for g in team.grids]
    refused = False
    if form.validate_on_submit():
        try:
            saved = teams.save_team(team, form.data)
        except AdminError as exc:
            refused = True
            refuse(str(TEAM_REFUSALS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("patrols.team_list", _anchor=f"team-{saved.id}"))
    return render_template(
        "patrols/team_form.html", form=form, team=team
    ), 400 if form.errors or refused else 200


@bp.post("/teams/<int:team_id>/apply")
@login_required
def apply(team_id: int):
    team = db.session.get(Team, team_id) or abort(404)
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            teams.apply(team, current_user, form.message.data or "")
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(_("Your application was sent to the team's leaders."), "success")
    return redirect(url_for("patrols.team_list"))


def _team_for_leader(team_id: int) -> Team:
    team = db.session.get(Team, team_id) or abort(404)
    if not teams.can_lead(current_user, team):
        abort(403)
    return team


@bp.get("/teams/<int:team_id>")
@roles_required(*LEADERS)
def team(team_id: int):
    team = _team_for_leader(team_id)
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(VolunteerProfile).where(VolunteerProfile.user_id.in_([m.user_id for m in team.members]))
        )
    }
    since = utcnow() - dt.timedelta(days=90)
    hours = checkin.hours_by_user([m.user_id for m in team.members], start=since)
    return render_template(
        "patrols/team.html",
        team=team,
        profiles=profiles,
        hours=hours,
        form=ActionForm(),
        roles=MemberRole,
        applications=teams.pending_applications(team),
    )


@bp.post("/teams/<int:team_id>/invite")
@roles_required(*LEADERS)
def invite(team_id: int):
    """An invitation waits for the person's answer. The leader learns nothing about them before
    they accept: the same answer whether or not an account has that phone, email or user name."""
    team = _team_for_leader(team_id)
    login = request.form.get("login", "").strip()[:254]
    if not ActionForm().validate_on_submit() or not login:
        flash(_("Give a phone number, email address or user name."), "error")
    else:
        try:
            teams.invite(team, find_by_login(login), current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(
                _(
                    "If an account has that phone, email or user name, its owner was invited. "
                    "They join the team when they accept."
                ),
                "success",
            )
    return redirect(url_for("patrols.team", team_id=team.id))


@bp.post("/invites/<int:invite_id>/<answer>")
@login_required
def answer_invite(invite_id: int, answer: str):
    """The invited person, and nobody else, accepts or declines."""
    offer = db.session.get(TeamInvite, invite_id)
    if offer is None or offer.user_id != current_user.id or answer not in ("accept", "decline"):
        abort(404)
    if ActionForm().validate_on_submit():
        welcome = _("Welcome to %(team)s.", team=offer.team.name)  # read before a refusal expires it
        try:
            teams.answer_invite(offer, current_user, answer == "accept")
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(welcome if answer == "accept" else _("You declined the invitation."), "success")
    return redirect(url_for("patrols.index"))


@bp.post("/teams/<int:team_id>/members/<int:member_id>/<change>")
@roles_required(*LEADERS)
def member(team_id: int, member_id: int, change: str):
    team = _team_for_leader(team_id)
    membership = db.session.get(TeamMember, member_id)
    if membership is None or membership.team_id != team.id or change not in ("deputy", "member", "remove"):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            if change == "remove":
                teams.remove_member(team, membership, current_user)
            else:
                teams.set_member_role(team, membership, MemberRole(change), current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(_("Saved."), "success")
    return redirect(url_for("patrols.team", team_id=team.id))


@bp.get("/teams/<int:team_id>/hours.csv")
@roles_required(*LEADERS)
def hours_csv(team_id: int):
    team = _team_for_leader(team_id)
    totals = checkin.hours_by_user([m.user_id for m in team.members])
    rows = []
    for m in sorted(team.members, key=lambda m: m.user.name):
        row = totals.get(m.user_id, {"hours": 0.0, "shifts": 0, "no_shows": 0})
        rows.append([m.user.name, m.role, row["shifts"], f"{row['hours']:.2f}", row["no_shows"]])
    return csv_response(
        ["volunteer", "role", "shifts_attended", "hours", "no_shows"], rows, f"team-{team.id}-hours.csv"
    )


# --- the volunteer's profile -------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(*VOLUNTEERS)
def profile():
    prof = db.session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.user_id == current_user.id))
    form = ProfileForm(obj=prof)
    form.home_grid_id.choices = [("", _("No preference"))] + [
        (g.id, g.name) for g in db.session.scalars(sa.select(Grid).order_by(Grid.code))
    ]
    if request.method == "POST" and form.validate_on_submit():
        prof = prof or teams.profile_of(current_user)  # made on the first save, never by a GET
        form.populate_obj(prof)
        flash(_("Saved."), "success")
        return redirect(url_for("patrols.profile"))
    slots = db.session.scalars(
        sa.select(Availability)
        .where(Availability.user_id == current_user.id)
        .order_by(Availability.weekday, Availability.start_time)
    ).all()
    away = db.session.scalars(
        sa.select(AvailabilityException)
        .where(AvailabilityException.user_id == current_user.id)
        .order_by(AvailabilityException.day)
    ).all()
    feed_url = external_url("patrols.calendar_feed", token=prof.calendar_token) if prof else None
    return render_template(
        "patrols/profile.html",
        form=form,
        slots=slots,
        away=away,
        slot_form=AvailabilityForm(),
        away_form=AwayForm(),
        slot_forms={slot.id: _slot_edit_form(slot) for slot in slots},
        away_forms={day.id: _away_edit_form(day) for day in away},
        action_form=ActionForm(),
        feed_url=feed_url,
    ), 400 if form.errors else 200


@bp.post("/profile/availability")
@roles_required(*VOLUNTEERS)
def add_availability():
    form = AvailabilityForm()
    if form.validate_on_submit():
        try:
            add_slot(current_user.id, int(form.weekday.data), form.start_time.data, form.end_time.data)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
    else:
        flash(str(ERRORS["bad_slot"]), "error")
    return redirect(url_for("patrols.profile"))


@bp.post("/profile/away")
@roles_required(*VOLUNTEERS)
def add_away():
    form = AwayForm()
    if form.validate_on_submit():
        if (
            db.session.scalar(
                sa.select(AvailabilityException.id).where(
                    AvailabilityException.user_id == current_user.id,
                    AvailabilityException.day == form.day.data,
                )
            )
            is None
        ):
            db.session.add(AvailabilityException(user_id=current_user.id, day=form.day.data, available=False))
    else:
        flash(_("Give a date."), "error")
    return redirect(url_for("patrols.profile"))


@bp.post("/profile/calendar/reset")
@roles_required(*VOLUNTEERS)
def reset_calendar():
    if ActionForm().validate_on_submit():
        calendar.reset_token(teams.profile_of(current_user))
        flash(_("Your calendar link was changed; the old one no longer works."), "success")
    return redirect(url_for("patrols.profile"))


@bp.get("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    prof = db.session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.calendar_token == token))
    if prof is None:
        abort(404)
    return Response(
        calendar.feed(prof, current_app.config["STATION_NAME"]),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=300"},
    )


# --- points and shifts -------------------------------------------------------------------------------------


@bp.get("/points")
@roles_required(*VOLUNTEERS, *LEADERS)
def points():
    rows = db.session.scalars(
        sa.select(PatrolPoint).where(PatrolPoint.active.is_(True)).order_by(PatrolPoint.name_en)
    ).all()
    led = set(
        db.session.scalars(
            sa.select(PatrolPoint.id).where(PatrolPoint.active.is_(True), shifts.points_led_by(current_user))
        )
    )
    return render_template(
        "patrols/points.html", points=rows, weights=priority.weights(rows), bands=priority.BANDS, led=led
    )


def _point_form() -> PointForm:
    form = PointForm()
    form.grid.choices = [(str(g.id), g.name) for g in db.session.scalars(sa.select(Grid).order_by(Grid.code))]
    form.team.choices = teams.choices()
    return form


@bp.route("/points/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_point():
    form = _point_form()
    if form.validate_on_submit():
        create_point(
            name_en=form.name_en.data,
            name_zh=form.name_zh.data,
            lat=form.lat.data,
            lon=form.lon.data,
            radius_m=form.radius_m.data,
            grid_id=int(form.grid.data),
            team_id=int(form.team.data) if form.team.data else None,
            base_weight=form.base_weight.data,
            route=form.route_points,
            actor_id=current_user.id,
        )
        flash(_("Saved."), "success")
        return redirect(url_for("patrols.points"))
    return render_template("patrols/point_form.html", form=form), 400 if form.errors else 200


@bp.get("/points/<int:point_id>/qr")
@roles_required(*LEADERS)
def point_qr(point_id: int):
    """The printable check-in code of a point: a signed link."""
    point = db.session.get(PatrolPoint, point_id) or abort(404)
    if not shifts.can_lead_point(current_user, point):
        abort(403)  # a leader prints the codes of their own teams' points only
    link = external_url("patrols.scan", token=checkin.point_token(point))
    return render_template("patrols/qr.html", point=point, qr=qr_svg(link, box_size=10), link=link)


@bp.route("/points/<int:point_id>/templates", methods=["GET", "POST"])
@roles_required(*STAFF)
def templates(point_id: int):
    point = db.session.get(PatrolPoint, point_id) or abort(404)
    form = TemplateForm()
    if form.validate_on_submit():
        if not point.active:
            refuse(_("This point is retired: it gets no new shift templates."))
        elif (
            form.min_volunteers.data > form.max_volunteers.data or form.start_time.data == form.end_time.data
        ):
            flash(_("Check the times and the numbers of volunteers."), "error")
        else:
            template = ShiftTemplate(point_id=point.id, weekdays=[int(d) for d in form.weekdays.data])
            form.populate_obj(template)
            template.weekdays = [int(d) for d in form.weekdays.data]
            db.session.add(template)
            flash(_("Saved."), "success")
            return redirect(url_for("patrols.templates", point_id=point.id))
    rows = db.session.scalars(sa.select(ShiftTemplate).where(ShiftTemplate.point_id == point.id)).all()
    return render_template(
        "patrols/templates.html", point=point, form=form, templates=rows, generate_form=GenerateForm()
    ), 400 if form.errors else 200


@bp.post("/shifts/generate")
@roles_required(*STAFF)
def generate():
    form = GenerateForm()
    if form.validate_on_submit():
        monday = form.week.data - dt.timedelta(days=form.week.data.weekday())
        made = shifts.generate_shifts(monday)
        flash(ngettext_safe(len(made)), "success")
    return redirect(
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("patrols.points")
    )


def ngettext_safe(n: int) -> str:
    return ngettext("%(num)d shift created.", "%(num)d shifts created.", n)


def _shift(shift_id: int) -> Shift:
    return db.session.get(Shift, shift_id) or abort(404)


def _may_see_shift(shift: Shift) -> bool:
    return current_user.has_role(*STAFF) or shifts.is_eligible(current_user, shift)


@bp.get("/shifts/<int:shift_id>")
@login_required
def shift(shift_id: int):
    entry = _shift(shift_id)
    if not _may_see_shift(entry):
        abort(403)
    mine = db.session.scalar(
        sa.select(SignUp).where(SignUp.shift_id == entry.id, SignUp.user_id == current_user.id)
    )
    leads = shifts.can_lead_shift(current_user, entry)
    observations = db.session.scalars(
        sa.select(Observation).where(Observation.shift_id == entry.id).order_by(Observation.id)
    ).all()
    swap_form = _swap_form(shift=entry) if mine is not None else _swap_form(team_members=[])
    return render_template(
        "patrols/shift.html",
        shift=entry,
        mine=mine,
        leads=leads,
        observations=observations,
        form=ActionForm(),
        observation_form=ObservationForm(),
        report_form=ReportForm(),
        swap_form=swap_form,
        now=utcnow(),
        checkin_opens=checkin.checkin_opens(entry),
    )


@bp.post("/shifts/<int:shift_id>/signup")
@roles_required(*VOLUNTEERS)
def signup(shift_id: int):
    entry = _shift(shift_id)
    if ActionForm().validate_on_submit():
        try:
            result = shifts.sign_up(entry, current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(
                _("You are on this shift.")
                if result.status == "confirmed"
                else _("The shift is full; you are on the waiting list."),
                "success",
            )
    return redirect(url_for("patrols.shift", shift_id=entry.id))


def _my_signup(entry: Shift) -> SignUp:
    mine = db.session.scalar(
        sa.select(SignUp).where(SignUp.shift_id == entry.id, SignUp.user_id == current_user.id)
    )
    if mine is None:
        abort(404)
    return mine


@bp.post("/shifts/<int:shift_id>/drop")
@roles_required(*VOLUNTEERS)
def drop(shift_id: int):
    entry = _shift(shift_id)
    if ActionForm().validate_on_submit():
        try:
            shifts.drop_out(_my_signup(entry), current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(_("You left the shift."), "success")
    return redirect(url_for("patrols.index"))


def _swap_form(team_members=None, shift: Shift | None = None) -> SwapForm:
    """A swap may be offered to anyone, or to someone in one of the volunteer's own teams (once,
    however many teams they share); the shift's page leaves out those already on it."""
    if team_members is None:
        team_members = list(
            {
                m.user_id: m.user
                for t in shifts.teams_of(current_user)
                for m in t.members
                if m.user_id != current_user.id
            }.values()
        )
    if shift is not None:
        on_it = {s.user_id for s in shift.signups if s.status == SignUpStatus.CONFIRMED.value}
        team_members = [u for u in team_members if u.id not in on_it]
    form = SwapForm()
    form.to.choices = [("", _("Anyone in the team"))] + [(str(u.id), u.name) for u in team_members]
    return form


@bp.post("/shifts/<int:shift_id>/swap")
@roles_required(*VOLUNTEERS)
def offer_swap(shift_id: int):
    entry = _shift(shift_id)
    form = _swap_form()
    if not form.validate_on_submit():
        abort(400, description=_("Offer the place to someone in your team, or to anyone."))
    to_user = db.session.get(User, int(form.to.data)) if form.to.data else None
    try:
        shifts.offer_swap(_my_signup(entry), to_user)
    except shifts.PatrolError as exc:
        refuse(_error(exc))
    else:
        flash(_("Your swap offer was sent."), "success")
    return redirect(url_for("patrols.shift", shift_id=entry.id))


@bp.post("/swaps/<int:swap_id>/take")
@roles_required(*VOLUNTEERS)
def take_swap(swap_id: int):
    swap = db.session.get(SwapRequest, swap_id) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            result = shifts.take_swap(swap, current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(
                _("You took the place.")
                if result == "done"
                else _("The swap waits for a leader's approval."),
                "success",
            )
    return redirect(url_for("patrols.index"))


@bp.get("/scan/<token>")
@login_required
def scan(token: str):
    """What a scanned point code opens: a confirmation page (no state change on GET)."""
    try:
        point = checkin.point_from_token(token)
    except shifts.PatrolError as exc:
        return render_template(
            "patrols/scan.html", error=_error(exc), point=None, signup=None, token=token
        ), 400
    signup = checkin.current_signup(current_user, point, utcnow())
    return render_template(
        "patrols/scan.html",
        error=None if signup else str(ERRORS["no_current_shift"]),
        point=point,
        signup=signup,
        next_shift=None if signup else checkin.next_shift_at(point, current_user),
        token=token,
        form=ActionForm(),
    )


@bp.post("/scan/<token>")
@login_required
def scan_confirm(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result, signup = checkin.scan(token, current_user)
    except shifts.PatrolError as exc:
        refuse(_error(exc))
        return redirect(url_for("patrols.index"))
    flash(_("Checked in. Have a safe patrol.") if result == "in" else _("Checked out. Thank you."), "success")
    return redirect(url_for("patrols.shift", shift_id=signup.shift_id))


@bp.post("/shifts/<int:shift_id>/checkin/<int:signup_id>")
@roles_required(*LEADERS)
def leader_checkin(shift_id: int, signup_id: int):
    entry = _shift(shift_id)
    if not shifts.can_lead_shift(current_user, entry):
        abort(403)
    signup = db.session.get(SignUp, signup_id)
    if signup is None or signup.shift_id != entry.id or signup.status != SignUpStatus.CONFIRMED.value:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            checkin.toggle(signup, utcnow(), by=current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
    return redirect(url_for("patrols.shift", shift_id=entry.id))


@bp.post("/shifts/<int:shift_id>/log")
@roles_required(*VOLUNTEERS)
def log(shift_id: int):
    entry = _shift(shift_id)
    mine = _my_signup(entry)
    form = ObservationForm()
    if checkin.is_closed(entry):
        flash(str(ERRORS["shift_closed"]), "error")
    elif mine.status == SignUpStatus.CONFIRMED.value and form.validate_on_submit():
        db.session.add(Observation(shift_id=entry.id, user_id=current_user.id, body=form.body.data.strip()))
        flash(_("Noted in the patrol log."), "success")
    else:
        flash(_("Only volunteers on this shift can write in its log."), "error")
    return redirect(url_for("patrols.shift", shift_id=entry.id))


@bp.get("/shifts/<int:shift_id>/report-hazard")
@roles_required(*VOLUNTEERS)
def report_hazard(shift_id: int):
    """Open the tip form with the place and time filled in, carrying the shift along."""
    entry = _shift(shift_id)
    if _my_signup(entry).status != SignUpStatus.CONFIRMED.value:
        flash(_("Only volunteers on this shift can write in its log."), "error")
        return redirect(url_for("patrols.shift", shift_id=entry.id))
    return redirect(
        url_for(
            "tips.new",
            lat=entry.point.lat,
            lon=entry.point.lon,
            address=entry.point.name,
            seen_at=local_now().strftime("%Y-%m-%dT%H:%M"),
            origin=patrol_log.origin_token(entry, current_user),
        )
    )


@bp.post("/shifts/<int:shift_id>/close")
@roles_required(*LEADERS)
def close(shift_id: int):
    entry = _shift(shift_id)
    if not shifts.can_lead_shift(current_user, entry):
        abort(403)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            shifts.close_shift(entry, form.report.data, current_user)
        except shifts.PatrolError as exc:
            refuse(_error(exc))
        else:
            flash(_("Shift closed; the report went to the station."), "success")
    return redirect(url_for("patrols.shift", shift_id=entry.id))


# --- a volunteer's own hours ---------------------------------------------------------------------------


def _record_period() -> tuple[dt.date, dt.date]:
    """The record's period from ?start=&end= (station dates, both included); by default from the
    first of January to today."""
    today = local_now().date()
    try:
        start = dt.date.fromisoformat(request.args.get("start") or today.replace(month=1, day=1).isoformat())
        end = dt.date.fromisoformat(request.args.get("end") or today.isoformat())
    except ValueError:
        abort(400, description=_("Give the period as two dates (YYYY-MM-DD)."))
    if start > end:
        abort(400, description=_("The period's first day must not be after its last."))
    return start, end


@bp.get("/hours")
@roles_required(*VOLUNTEERS)
def my_hours():
    """The volunteer's hours by month and the form for a printable record of them."""
    months = hours.by_month(current_user.id)
    for row in months:
        row["label"] = format_skeleton("yMMM", row["month"], locale=get_locale() or "en")
    today = local_now().date()
    return render_template(
        "patrols/hours.html",
        lately=history.last_four_weeks(current_user.id, utcnow()),
        months=months,
        total=round(sum(m["hours"] for m in months), 2),
        start=today.replace(month=1, day=1),
        end=today,
    )


@bp.get("/hours/<int:user_id>/record.pdf")
@roles_required(*VOLUNTEERS, *LEADERS)
def hours_record(user_id: int):
    """The record of service hours (志愿服务时长证明) as a PDF, in the reader's language: for the
    volunteer themself, and for station staff and the leaders of one of their teams."""
    person = db.session.get(User, user_id) or abort(404)
    if not hours.can_see_hours(current_user, person.id):
        abort(403)
    start, end = _record_period()
    record = hours.service_record(person, start, end, local_now().date())
    return Response(
        hours.record_pdf(record),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="service-hours-{person.id}-{start}-{end}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


# --- editing availability --------------------------------------------------------------------------------


def _own_slot(slot_id: int) -> Availability:
    slot = db.session.get(Availability, slot_id)
    if slot is None or slot.user_id != current_user.id:
        abort(404)
    return slot


def _own_away(away_id: int) -> AvailabilityException:
    away = db.session.get(AvailabilityException, away_id)
    if away is None or away.user_id != current_user.id:
        abort(404)
    return away


def _slot_edit_form(slot: Availability) -> AvailabilityForm:
    """The form on the profile page that edits one slot: its own field names, one per slot."""
    return AvailabilityForm(
        formdata=None,
        prefix=f"slot{slot.id}",
        data={"weekday": str(slot.weekday), "start_time": slot.start_time, "end_time": slot.end_time},
    )


def _away_edit_form(away: AvailabilityException) -> AwayForm:
    return AwayForm(formdata=None, prefix=f"away{away.id}", data={"day": away.day})


@bp.post("/profile/availability/<int:slot_id>")
@roles_required(*VOLUNTEERS)
def edit_availability(slot_id: int):
    slot = _own_slot(slot_id)
    form = AvailabilityForm(prefix=f"slot{slot.id}")
    if not form.validate_on_submit():
        refuse(str(ERRORS["bad_slot"]))
        return redirect(url_for("patrols.profile"))
    try:
        update_slot(slot, current_user.id, int(form.weekday.data), form.start_time.data, form.end_time.data)
    except shifts.PatrolError as exc:
        refuse(_error(exc))
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("patrols.profile"))


@bp.post("/profile/availability/<int:slot_id>/delete")
@roles_required(*VOLUNTEERS)
def delete_availability(slot_id: int):
    slot = _own_slot(slot_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_slot(slot, current_user.id)
    flash(_("Removed."), "success")
    return redirect(url_for("patrols.profile"))


@bp.post("/profile/away/<int:away_id>")
@roles_required(*VOLUNTEERS)
def edit_away(away_id: int):
    away = _own_away(away_id)
    form = AwayForm(prefix=f"away{away.id}")
    if not form.validate_on_submit():
        refuse(str(ERRORS["bad_day"]))
        return redirect(url_for("patrols.profile"))
    try:
        move_away(away, current_user.id, form.day.data)
    except shifts.PatrolError as exc:
        refuse(_error(exc))
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("patrols.profile"))


@bp.post("/profile/away/<int:away_id>/delete")
@roles_required(*VOLUNTEERS)
def delete_away_day(away_id: int):
    away = _own_away(away_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_away(away, current_user.id)
    flash(_("Removed."), "success")
    return redirect(url_for("patrols.profile"))


# --- deciding applications on the team page -------------------------------------------------------------

APPLICATION_REFUSALS = {
    "claimed_by_other": _l("Another leader is deciding on this application in the queue right now."),
}


@bp.post("/teams/<int:team_id>/applications/<int:application_id>/<decision>")
@roles_required(*LEADERS)
def decide_application(team_id: int, application_id: int, decision: str):
    """A leader accepts or declines an application from the team page, through the same queue
    action the moderation queue takes (so the queue item closes and the audit trail records it)."""
    team = _team_for_leader(team_id)
    application = db.session.get(TeamApplication, application_id)
    if application is None or application.team_id != team.id or decision not in ("accept", "decline"):
        abort(404)
    item = item_for("team_application", application.id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        perform(item, decision, current_user, {"note": ""})
    except QueueError as exc:
        refuse(str(APPLICATION_REFUSALS.get(exc.code, ERRORS["already_decided"])))
    except ActionRefused:
        refuse(str(ERRORS["already_decided"]))
    else:
        flash(
            _("%(name)s joined the team.", name=application.user.name)
            if decision == "accept"
            else _("The application was declined."),
            "success",
        )
    return redirect(url_for("patrols.team", team_id=team.id))
