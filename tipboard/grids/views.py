"""Grid pages: members see their grid's open items; supervisors name each grid's officer and deputy,
its grid workers and building leads, and keep the duty-leader rota."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.geo import Grid, grids_of
from tipboard.grids import bp, services
from tipboard.grids.forms import DutyForm, GridMemberForm, OfficersForm
from tipboard.moderation import escalation
from tipboard.moderation.registry import register_overview_panel
from tipboard.nav import register_nav
from tipboard.permissions import STAFF, SUPERVISORS, Role, roles_required
from tipboard.timezones import local_now

MEMBERS = (Role.GRIDWORKER, Role.BUILDING_LEAD)
ROTA_DAYS = 14

register_nav("grids.index", _l("My grid"), roles=MEMBERS + STAFF, order=45)

ERRORS = {
    "not_staff": _l("Only active station staff can answer for a grid."),
    "same_person": _l("The officer and the deputy must be two people."),
    "bad_role": _l("Choose grid worker or building lead."),
    "no_account": _l("No active account has that user name, phone or email."),
    "already_member": _l("That account is already a member of this grid."),
    "no_member": _l("That member is not in this grid."),
    "not_supervisor": _l("Only an active supervisor can be duty leader."),
}


@bp.get("/")
@roles_required(*MEMBERS, *STAFF)
def index():
    return render_template(
        "grids/index.html",
        items=services.grid_items(current_user),
        my_grids=grids_of(current_user),
        grids=services.all_grids() if current_user.has_role(*STAFF) else [],
        leader=escalation.duty_leader_on(local_now().date()),
    )


def _grid_or_404(grid_id: int) -> Grid:
    return db.session.get(Grid, grid_id) or abort(404)


def _grid_page(grid: Grid, form=None, member_form=None, status: int = 200):
    return render_template(
        "grids/grid.html",
        grid=grid,
        form=form or OfficersForm(obj=grid),
        member_form=member_form or GridMemberForm(),
        members=services.members_of(grid),
    ), status


@bp.route("/<int:grid_id>", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def grid(grid_id: int):
    grid = _grid_or_404(grid_id)
    form = OfficersForm(obj=grid)
    if form.validate_on_submit():
        try:
            services.set_officers(grid, form.officer_id.data, form.deputy_id.data)
        except services.GridError as exc:
            refuse(str(ERRORS[exc.code]))
            return _grid_page(grid, form=form, status=400)
        flash(_("Saved."), "success")
        return redirect(url_for("grids.grid", grid_id=grid.id))
    return _grid_page(grid, form=form, status=400 if form.errors else 200)


@bp.post("/<int:grid_id>/members")
@roles_required(*SUPERVISORS)
def add_member(grid_id: int):
    grid = _grid_or_404(grid_id)
    form = GridMemberForm()
    if form.validate_on_submit():
        try:
            services.add_grid_member(grid, form.login.data, form.role.data, form.note.data)
        except services.GridError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Member added."), "success")
            return redirect(url_for("grids.grid", grid_id=grid.id))
    return _grid_page(grid, member_form=form, status=400)


@bp.post("/<int:grid_id>/members/<int:member_id>/remove")
@roles_required(*SUPERVISORS)
def remove_member(grid_id: int, member_id: int):
    grid = _grid_or_404(grid_id)
    try:
        services.remove_grid_member(grid, member_id)
    except services.GridError:
        abort(404)
    flash(_("Member removed."), "success")
    return redirect(url_for("grids.grid", grid_id=grid.id))


@bp.get("/duty")
@roles_required(*STAFF)
def duty():
    today = local_now().date()
    return render_template(
        "grids/duty.html", rota=escalation.rota(today, ROTA_DAYS), form=DutyForm(day=today), today=today
    )


@bp.post("/duty")
@roles_required(*SUPERVISORS)
def set_duty():
    form = DutyForm()
    if form.validate_on_submit():
        day: dt.date = form.day.data
        try:
            if form.leader.data is None:
                escalation.clear_duty_leader(day)
            else:
                leader = db.session.get(User, form.leader.data) or abort(400)
                escalation.set_duty_leader(day, leader)
        except escalation.EscalationError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("grids.duty"))
    today = local_now().date()
    return render_template(
        "grids/duty.html", rota=escalation.rota(today, ROTA_DAYS), form=form, today=today
    ), 400


def _escalations_panel():
    return render_template("grids/_escalations.html", escalations=escalation.recent_escalations())


register_overview_panel(_escalations_panel, order=10)
