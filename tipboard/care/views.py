"""Care register pages: the list of files a person may see, a file (every view audited), its plan and
visitors, logging a visit from a phone, and the ledger as CSV."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.care import bp, services
from tipboard.care.forms import LedgerForm, PersonForm, PlanForm, VisitForm, VisitorForm
from tipboard.care.models import CarePerson
from tipboard.csvexport import csv_response
from tipboard.extensions import db
from tipboard.flow import keep_read, refuse
from tipboard.nav import register_nav
from tipboard.pdfdoc import text_pdf
from tipboard.permissions import STAFF, Role, roles_required
from tipboard.timezones import local_now, to_local

#: Who may be a visitor or mentor; each file then says who of them sees it.
CARERS = (
    *STAFF,
    Role.VOLUNTEER,
    Role.LEADER,
    Role.GRIDWORKER,
    Role.BUILDING_LEAD,
    Role.PARTNER,
    Role.MEDIATOR,
)

register_nav("care.index", _l("Care"), roles=CARERS, order=74)

ERRORS = {
    "bad_kind": _l("Choose the kind of care."),
    "no_grid": _l("Choose a grid."),
    "not_your_grid": _l("Only the grid's officer, their deputy or a supervisor can do this."),
    "no_consent": _l("Record who gave consent; without it no file is kept."),
    "bad_visitor_kind": _l("Choose who visits."),
    "no_account": _l("No active account has that user name, phone or email."),
    "already_visitor": _l("That account already visits this person."),
    "not_visible": _l("You are not a visitor of this person."),
    "empty_visit": _l("Say what you found."),
}


def _person_or_404(person_id: int) -> CarePerson:
    person = db.session.get(CarePerson, person_id)
    if person is None or not services.can_see(person, current_user):
        abort(404)
    return person


@bp.get("/")
@roles_required(*CARERS)
def index():
    return render_template(
        "care/index.html", people=services.visible_people(current_user), today=local_now().date()
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = services.create_person(current_user, form.data)
        except services.CareError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("care.person", person_id=person.id))
    return render_template(
        "_form_page.html", form=form, heading=_("New care file")
    ), 400 if request.method == "POST" else 200


def _page(person: CarePerson, status: int = 200, **forms):
    services.audit_view(person, current_user)
    keep_read()  # the audit row is the record of this look: committed even on a GET
    plan = PlanForm(
        every_days=person.visit_every_days,
        visitor_kind=person.visitor_kind,
        mentor=person.mentor.login_name if person.mentor else "",
    )
    return render_template(
        "care/person.html",
        person=person,
        can_plan=services.can_plan(person, current_user),
        visit_form=forms.get("visit_form") or VisitForm(),
        plan_form=forms.get("plan_form") or plan,
        visitor_form=forms.get("visitor_form") or VisitorForm(),
        today=local_now().date(),
    ), status


@bp.get("/<int:person_id>")
@roles_required(*CARERS)
def person(person_id: int):
    return _page(_person_or_404(person_id))


@bp.post("/<int:person_id>/visit")
@roles_required(*CARERS)
def visit(person_id: int):
    person = _person_or_404(person_id)
    form = VisitForm()
    if form.validate_on_submit():
        try:
            services.log_visit(
                person,
                current_user,
                found=form.found.data,
                needs=form.needs.data,
                follow_up=form.follow_up.data,
            )
        except services.CareError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Visit logged."), "success")
            return redirect(url_for("care.person", person_id=person.id))
    return _page(person, 400, visit_form=form)


@bp.post("/<int:person_id>/plan")
@roles_required(*STAFF)
def plan(person_id: int):
    person = _person_or_404(person_id)
    form = PlanForm()
    if form.validate_on_submit():
        try:
            services.set_plan(
                person,
                current_user,
                every_days=form.every_days.data,
                visitor_kind=form.visitor_kind.data,
                mentor_login=form.mentor.data,
            )
        except services.CareError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("care.person", person_id=person.id))
    return _page(person, 400, plan_form=form)


@bp.post("/<int:person_id>/visitors")
@roles_required(*STAFF)
def add_visitor(person_id: int):
    person = _person_or_404(person_id)
    form = VisitorForm()
    if form.validate_on_submit():
        try:
            services.add_visitor(person, current_user, form.login.data)
        except services.CareError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Visitor added."), "success")
            return redirect(url_for("care.person", person_id=person.id))
    return _page(person, 400, visitor_form=form)


def _ledger() -> tuple[dt.date, dt.date, list[str], list[list[str]]]:
    """The visits the signed-in officer may see in the asked period (this month so far by default),
    each export written to the audit trail of the people in it."""
    form = LedgerForm(request.args)
    if not form.validate():
        abort(400)
    today = local_now().date()
    first = form.first.data or today.replace(day=1)
    last = form.last.data or today
    if last < first or (last - first) > dt.timedelta(days=366):
        abort(400)
    visits = services.ledger(current_user, first, last)
    for person in {v.person for v in visits}:
        services.audit_view(person, current_user, "export")
    keep_read()
    header = [
        _("Date"),
        _("Name"),
        _("Kind of care"),
        _("Grid"),
        _("Visitor"),
        _("What was found"),
        _("Needs"),
        _("Follow-up"),
    ]
    rows = [
        [
            to_local(v.visited_at).strftime("%Y-%m-%d %H:%M"),
            v.person.name,
            str(v.person.kind_label),
            v.person.grid.name if v.person.grid else "",
            v.visitor.name if v.visitor else "",
            v.found,
            v.needs or "",
            v.follow_up or "",
        ]
        for v in visits
    ]
    return first, last, header, rows


@bp.get("/ledger.csv")
@roles_required(*STAFF)
def ledger():
    first, last, header, rows = _ledger()
    return csv_response(header, rows, f"care-ledger-{first.isoformat()}-{last.isoformat()}.csv")


@bp.get("/ledger.pdf")
@roles_required(*STAFF)
def ledger_pdf():
    """The care ledger (工作台账) for the officer's reports: one paragraph per visit."""
    first, last, header, rows = _ledger()
    lines = [" · ".join(f"{label}: {value}" for label, value in zip(header, row) if value) for row in rows]
    title = _("Care ledger %(first)s to %(last)s", first=first.isoformat(), last=last.isoformat())
    pdf = text_pdf(title, current_user.name, lines or [_("No visits in this period.")])
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=care-ledger-{first}-{last}.pdf"
    response.headers["Cache-Control"] = "private, no-store"
    return response
