"""Leaders and staff: see the draft as a week grid per point and per person, edit, publish."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from tipboard.forms import Form

from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.nav import register_nav
from tipboard.patrols.models import Shift, TeamMember
from tipboard.patrols.shifts import leads_shift
from tipboard.permissions import LEADERS, STAFF, roles_required
from tipboard.roster import bp, build
from tipboard.roster.explain import GapReason
from tipboard.roster.models import RosterRun
from tipboard.timezones import to_local

register_nav("roster.index", _l("Roster"), roles=LEADERS, order=55)

GAP_TEXT = {
    GapReason.NOBODY_AVAILABLE.value: _l("Nobody in the area is free then."),
    GapReason.NO_LEADER.value: _l("No leader is free then."),
    GapReason.TOO_FEW.value: _l("Fewer people are free than the shift needs."),
    GapReason.EVERYONE_BUSY.value: _l("Everyone free is at their weekly maximum or already on a shift that day."),
    GapReason.NOT_WORTH_IT.value: _l("People were needed more at busier places and times."),
}
ERRORS = {"not_draft": _l("Only a draft can be changed."), "violates": _l("That breaks a rule of the roster: %(detail)s")}


class ActionForm(Form):
    pass


@bp.get("/")
@roles_required(*LEADERS)
def index():
    runs = db.session.scalars(sa.select(RosterRun).order_by(RosterRun.week.desc(), RosterRun.id.desc()).limit(30)).all()
    return render_template("roster/index.html", runs=runs, form=ActionForm(), next_week=build.next_week())


@bp.post("/build")
@roles_required(*LEADERS)
def build_now():
    if ActionForm().validate_on_submit():
        run = build.build_week(build.next_week(), current_user)
        db.session.commit()
        if run is None:
            flash(_("Next week's roster was already built. Open it to rebuild the draft on purpose."), "error")
            return redirect(url_for("roster.index"))
        return redirect(url_for("roster.run", run_id=run.id))
    return redirect(url_for("roster.index"))


def _run(run_id: int) -> RosterRun:
    return db.session.get(RosterRun, run_id) or abort(404)


@bp.get("/<int:run_id>")
@roles_required(*LEADERS)
def run(run_id: int):
    entry = _run(run_id)
    by_point, by_person = defaultdict(lambda: defaultdict(list)), defaultdict(list)
    days = sorted({to_local(a.shift.starts_at).date() for a in entry.assignments} |
                  {to_local(g.shift.starts_at).date() for g in entry.gaps})
    for a in sorted(entry.assignments, key=lambda a: a.shift.starts_at):
        by_point[a.shift.point.name][to_local(a.shift.starts_at).date()].append(a)
        by_person[a.user.name].append(a)
    volunteers = db.session.scalars(sa.select(User).where(User.id.in_(sa.select(TeamMember.user_id)))
                                    .order_by(User.name)).all()
    return render_template("roster/run.html", run=entry, by_point=by_point, by_person=dict(sorted(by_person.items())),
                           days=days, gaps=entry.gaps, gap_text=GAP_TEXT, form=ActionForm(), volunteers=volunteers)


@bp.post("/<int:run_id>/edit")
@roles_required(*LEADERS)
def edit(run_id: int):
    entry = _run(run_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        shift_id, user_id = int(request.form["shift_id"]), int(request.form["user_id"])
    except (KeyError, ValueError):
        abort(400)
    shift = db.session.get(Shift, shift_id) or abort(404)
    if not (current_user.has_role(*STAFF) or leads_shift(current_user, shift)):
        abort(403)  # a leader edits the patrols of their own team's area only
    try:
        build.edit(entry, shift_id, user_id, request.form.get("op") == "add", current_user)
    except build.RosterError as exc:
        db.session.rollback()
        flash(str(ERRORS[exc.code]) % {"detail": exc.detail}, "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/rebuild")
@roles_required(*LEADERS)
def rebuild(run_id: int):
    entry = _run(run_id)
    if ActionForm().validate_on_submit():
        try:
            new = build.rebuild_draft(entry, current_user)
        except build.RosterError as exc:
            db.session.rollback()
            flash(str(ERRORS[exc.code]), "error")
            return redirect(url_for("roster.run", run_id=entry.id))
        db.session.commit()
        return redirect(url_for("roster.run", run_id=new.id))
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/publish")
@roles_required(*LEADERS)
def publish(run_id: int):
    entry = _run(run_id)
    if ActionForm().validate_on_submit():
        try:
            made = build.publish(entry, current_user)
        except build.RosterError as exc:
            db.session.rollback()
            flash(str(ERRORS[exc.code]), "error")
        else:
            db.session.commit()
            flash(_("Published: %(n)d volunteers were told.", n=made), "success")
    return redirect(url_for("roster.run", run_id=entry.id))
