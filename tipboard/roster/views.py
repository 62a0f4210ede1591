"""Leaders and staff: see the draft as a week grid per point and per person, edit, publish."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import Length, Optional

from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.forms import Form
from tipboard.ids import db_id
from tipboard.nav import register_nav
from tipboard.patrols.models import PatrolPoint, Shift
from tipboard.patrols.shifts import can_lead_shift, led_team_ids, points_led_by
from tipboard.permissions import LEADERS, STAFF, roles_required
from tipboard.roster import bp, build, gaps
from tipboard.roster.instance import leads
from tipboard.roster.models import RosterGap, RosterRun
from tipboard.roster.repair import candidates
from tipboard.roster.words import ERRORS, GAP_TEXT, describe
from tipboard.timezones import local_now, to_local

register_nav("roster.index", _l("Roster"), roles=LEADERS, order=55)


class ActionForm(Form):
    pass


class KeepOpenForm(Form):
    reason = StringField(_l("Why (optional)"), validators=[Optional(), Length(max=200)])


@bp.get("/")
@roles_required(*LEADERS)
def index():
    runs = db.session.scalars(
        sa.select(RosterRun).order_by(RosterRun.week.desc(), RosterRun.id.desc()).limit(30)
    ).all()
    return render_template(
        "roster/index.html",
        runs=runs,
        form=ActionForm(),
        next_week=build.next_week(),
        whole_station=current_user.has_role(*STAFF),
    )


# Building, rebuilding and publishing change the whole station's roster: station staff only. A
# leader sees and edits the draft for their own teams' points.
@bp.post("/build")
@roles_required(*STAFF)
def build_now():
    if ActionForm().validate_on_submit():
        run = build.build_week(build.next_week(), current_user)
        if run is None:  # not a refusal: nothing was built, and the request ends as it would
            flash(
                _("Next week's roster was already built. Open it to rebuild the draft on purpose."), "error"
            )
            return redirect(url_for("roster.index"))
        return redirect(url_for("roster.run", run_id=run.id))
    return redirect(url_for("roster.index"))


def _run(run_id: int) -> RosterRun:
    return db.session.get(RosterRun, run_id) or abort(404)


@bp.get("/<int:run_id>")
@roles_required(*LEADERS)
def run(run_id: int):
    entry = _run(run_id)
    whole_station = current_user.has_role(*STAFF)
    # A leader sees the patrols of their own teams' points and picks from their own teams' people.
    led_points = set(db.session.scalars(sa.select(PatrolPoint.id).where(points_led_by(current_user))))
    assignments = [a for a in entry.assignments if a.shift.point_id in led_points]
    all_gaps = sorted(
        (g for g in entry.gaps if g.shift.point_id in led_points), key=lambda g: g.shift.starts_at
    )
    open_gaps = [g for g in all_gaps if not g.kept_open]
    by_point, by_person = defaultdict(lambda: defaultdict(list)), defaultdict(list)
    days = sorted(
        {to_local(a.shift.starts_at).date() for a in assignments}
        | {to_local(g.shift.starts_at).date() for g in all_gaps}
    )
    # Each day, its patrols in time order: the people on each, or the gap and why.
    by_day: dict = {d: defaultdict(lambda: {"shift": None, "people": [], "gap": None}) for d in days}
    for a in sorted(assignments, key=lambda a: a.shift.starts_at):
        by_point[a.shift.point.name][to_local(a.shift.starts_at).date()].append(a)
        by_person[a.user.name].append(a)
        cell = by_day[to_local(a.shift.starts_at).date()][a.shift_id]
        cell["shift"] = a.shift
        cell["people"].append(a)
    for g in all_gaps:
        cell = by_day[to_local(g.shift.starts_at).date()][g.shift_id]
        cell["shift"], cell["gap"] = g.shift, g
    day_patrols = {
        d: sorted(cells.values(), key=lambda c: (c["shift"].starts_at, c["shift"].id))
        for d, cells in by_day.items()
    }
    return render_template(
        "roster/run.html",
        run=entry,
        by_point=by_point,
        by_person=dict(sorted(by_person.items())),
        days=days,
        today=local_now().date(),
        day_patrols=day_patrols,
        gaps=open_gaps,
        kept=[g for g in all_gaps if g.kept_open],
        gap_text=GAP_TEXT,
        form=ActionForm(),
        keep_form=KeepOpenForm(),
        choices=_choices(entry, open_gaps, None if whole_station else set(led_team_ids(current_user))),
        whole_station=whole_station,
    )


def _choices(entry: RosterRun, gaps, teams: set[int] | None) -> dict[int, dict]:
    """For each gap of a draft: how many people it needs from the roster ("low" to "high") and the
    people who could fill it now (of the leader's own teams), each with whether they would lead it,
    leaders first."""
    if entry.state != "draft" or not gaps:
        return {}
    instance, _shifts = build.instance_for_week(entry.week)
    current = build.assignments_of(entry)
    slots = {s.id: s for s in instance.slots}
    found = {}
    for gap in gaps:
        slot = slots.get(gap.shift_id)
        if slot is None:
            continue
        found[slot] = [
            (p.id, leads(p, slot))
            for p in candidates(instance, current, slot.id)
            if teams is None or p.team_ids & teams
        ]
    ids = {person_id for people in found.values() for person_id, _lead in people}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    return {
        slot.id: {
            "low": slot.min_people,
            "high": slot.max_people,
            "people": sorted(((users[i], lead) for i, lead in people), key=lambda c: (not c[1], c[0].name)),
        }
        for slot, people in found.items()
    }


@bp.post("/<int:run_id>/edit")
@roles_required(*LEADERS)
def edit(run_id: int):
    entry = _run(run_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        shift_id, user_id = db_id(request.form["shift_id"]), db_id(request.form["user_id"])
    except (KeyError, ValueError):
        abort(400)
    shift = db.session.get(Shift, shift_id) or abort(404)
    if not can_lead_shift(current_user, shift):
        abort(403)  # a leader edits the patrols of their own team's area only
    try:
        build.edit(entry, shift_id, user_id, request.form.get("op") == "add", current_user)
    except build.RosterError as exc:
        refuse(str(ERRORS[exc.code]) % {"detail": describe(exc.problems)})
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/fill")
@roles_required(*LEADERS)
def fill(run_id: int):
    """Fill a gap with the people chosen for it together, checked as a whole."""
    entry = _run(run_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        shift_id = db_id(request.form["shift_id"])
        user_ids = {db_id(v) for v in request.form.getlist("user_id")}
    except (KeyError, ValueError):
        abort(400)
    shift = db.session.get(Shift, shift_id) or abort(404)
    if not can_lead_shift(current_user, shift):
        abort(403)  # a leader fills the patrols of their own team's area only
    if not user_ids:
        refuse(str(ERRORS["nobody_chosen"]))
        return redirect(url_for("roster.run", run_id=entry.id))
    try:
        build.fill(entry, shift_id, user_ids, current_user)
    except build.RosterError as exc:
        refuse(str(ERRORS[exc.code]) % {"detail": describe(exc.problems)})
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/rebuild")
@roles_required(*STAFF)
def rebuild(run_id: int):
    entry = _run(run_id)
    if ActionForm().validate_on_submit():
        try:
            new = build.rebuild_draft(entry, current_user)
        except build.RosterError as exc:
            refuse(str(ERRORS[exc.code]))
            return redirect(url_for("roster.run", run_id=entry.id))
        return redirect(url_for("roster.run", run_id=new.id))
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/publish")
@roles_required(*STAFF)
def publish(run_id: int):
    entry = _run(run_id)
    if ActionForm().validate_on_submit():
        try:
            told = build.publish(entry, current_user)
        except build.RosterError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Published: %(n)d volunteers were told.", n=told), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


def _gap_shift(entry: RosterRun) -> RosterGap:
    try:
        gap_id = db_id(request.form["gap_id"])
    except (KeyError, ValueError):
        abort(400)
    gap = db.session.get(RosterGap, gap_id)
    if gap is None or gap.run_id != entry.id:
        abort(404)
    if not can_lead_shift(current_user, gap.shift):
        abort(403)  # a leader keeps open the patrols of their own team's area only
    return gap


@bp.post("/<int:run_id>/keep-open")
@roles_required(*LEADERS)
def keep_open(run_id: int):
    """Keep a gap open on purpose: off the list to fill and the notices when the roster is published."""
    entry = _run(run_id)
    form = KeepOpenForm()
    if not form.validate_on_submit():
        abort(400)
    gap = _gap_shift(entry)
    try:
        gaps.keep_open(entry, gap.id, form.reason.data, current_user)
    except build.RosterError as exc:
        refuse(str(ERRORS[exc.code]))
    else:
        flash(_("Kept open on purpose."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/reopen")
@roles_required(*LEADERS)
def reopen(run_id: int):
    """Undo keeping a gap open: it is back on the list to fill."""
    entry = _run(run_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    gap = _gap_shift(entry)
    try:
        gaps.reopen(entry, gap.id)
    except build.RosterError as exc:
        refuse(str(ERRORS[exc.code]))
    else:
        flash(_("Back on the list to fill."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))
