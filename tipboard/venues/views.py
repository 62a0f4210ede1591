"""Venue pages: the station's register, rules, inspections, weekly actions and bulletins; the
manager's page of their own venue."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.csvexport import csv_response
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.nav import register_nav
from tipboard.permissions import STAFF, SUPERVISORS, Role, roles_required
from tipboard.timezones import local_now
from tipboard.tips.messages import PHOTO_ERRORS
from tipboard.tips.photos import PhotoError
from tipboard.venues import bp, periodic, services
from tipboard.venues.bulletin_pdf import bulletin_pdf as render_bulletin_pdf
from tipboard.venues.forms import FindingForm, InspectionForm, NoteForm, ProofForm, RuleForm, VenueForm
from tipboard.venues.models import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    Finding,
    FindingPhoto,
    PointRule,
    Venue,
    VenueAction,
    checklist_for,
)

MANAGER = (Role.VENUE_MANAGER,)

register_nav("venues.index", _l("Venues"), roles=STAFF, order=72)
register_nav("venues.mine", _l("My venue"), roles=MANAGER, order=41)

ERRORS = {
    "bad_category": _l("Choose a category."),
    "no_account": _l("No active account has that user name, phone or email."),
    "code_taken": _l("Another rule already uses that short name."),
    "rule_inactive": _l("That rule is no longer in use."),
    "wrong_venue": _l("That inspection is of another venue."),
    "not_manager": _l("You do not manage this venue."),
    "not_open": _l("This finding is already settled."),
    "empty_proof": _l("Say what was done or attach a photo."),
    "no_proof": _l("There is no proof to accept."),
    "already_taken": _l("This action was already recorded."),
}


def _photo_error(code: str) -> str:
    cfg = current_app.config
    return str(PHOTO_ERRORS[code]) % {
        "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
        "n": 1,
        "mp": cfg["MAX_DECODE_PIXELS"] // 1_000_000,
    }


def _upload() -> bytes | None:
    upload = request.files.get("photo")
    return upload.read() if upload and upload.filename else None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- the register ---------------------------------------------------------------------------------


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template("venues/index.html", venues=services.all_venues(), scores=services.scores())


def _venue_or_404(venue_id: int) -> Venue:
    return db.session.get(Venue, venue_id) or abort(404)


@bp.route("/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/<int:venue_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(venue_id: int | None):
    venue = _venue_or_404(venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    if request.method == "GET" and venue is not None and venue.manager is not None:
        form.manager.data = venue.manager.login_name
    if form.validate_on_submit():
        try:
            venue = services.save_venue(venue, form.data)
        except services.VenueError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("venues.venue", venue_id=venue.id))
    heading = venue.name if venue else _("New venue")
    return render_template(
        "_form_page.html", form=form, heading=heading
    ), 400 if request.method == "POST" else 200


def _venue_page(venue: Venue, status: int = 200, inspection_form=None, finding_form=None):
    return render_template(
        "venues/venue.html",
        venue=venue,
        score=services.scores(venue_ids=[venue.id]).get(venue.id, venue.base_score),
        findings=services.findings_of(venue),
        inspections=services.inspections_of(venue),
        checklist=checklist_for(venue.category),
        inspection_form=inspection_form or InspectionForm(checklist=checklist_for(venue.category)),
        finding_form=finding_form or FindingForm(),
        accept_form=NoteForm(),
        today=local_now().date(),
    ), status


@bp.get("/<int:venue_id>")
@roles_required(*STAFF)
def venue(venue_id: int):
    return _venue_page(_venue_or_404(venue_id))


@bp.post("/<int:venue_id>/inspect")
@roles_required(*STAFF)
def inspect(venue_id: int):
    venue = _venue_or_404(venue_id)
    form = InspectionForm(checklist=checklist_for(venue.category))
    if not form.validate_on_submit():
        return _venue_page(venue, 400, inspection_form=form)
    services.record_inspection(venue, current_user, form.passed.data or [], form.note.data)
    flash(_("Inspection recorded. Add a finding for each point not in order."), "success")
    return redirect(url_for("venues.venue", venue_id=venue.id))


@bp.post("/<int:venue_id>/findings")
@roles_required(*STAFF)
def add_finding(venue_id: int):
    venue = _venue_or_404(venue_id)
    form = FindingForm()
    if form.validate_on_submit():
        rule = db.session.get(PointRule, form.rule.data) or abort(400)
        # A finding made the day of an inspection belongs to it.
        latest = services.inspections_of(venue, limit=1)
        recent = next((i for i in latest if utcnow() - i.created_at < dt.timedelta(hours=12)), None)
        try:
            services.add_finding(
                venue, rule, current_user, form.note.data, photo=_upload(), inspection=recent
            )
        except services.VenueError as exc:
            refuse(str(ERRORS[exc.code]))
        except PhotoError as exc:
            refuse(_photo_error(exc.code))
        else:
            flash(_("Finding recorded."), "success")
            return redirect(url_for("venues.venue", venue_id=venue.id))
    return _venue_page(venue, 400, finding_form=form)


@bp.post("/findings/<int:finding_id>/accept")
@roles_required(*STAFF)
def accept(finding_id: int):
    finding = db.session.get(Finding, finding_id) or abort(404)
    try:
        services.accept_proof(finding)
    except services.VenueError as exc:
        refuse(str(ERRORS[exc.code]))
    else:
        flash(_("Rectification accepted."), "success")
    return redirect(url_for("venues.venue", venue_id=finding.venue_id))


# --- rules ----------------------------------------------------------------------------------------


@bp.get("/rules")
@roles_required(*STAFF)
def rules():
    rows = db.session.scalars(sa.select(PointRule).order_by(PointRule.active.desc(), PointRule.points)).all()
    return render_template("venues/rules.html", rules=rows)


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def rule(rule_id: int | None):
    row = (db.session.get(PointRule, rule_id) or abort(404)) if rule_id else None
    form = RuleForm(obj=row)
    if form.validate_on_submit():
        try:
            services.save_rule(row, form.data)
        except services.VenueError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("venues.rules"))
    heading = row.name if row else _("New rule")
    return render_template(
        "_form_page.html", form=form, heading=heading
    ), 400 if request.method == "POST" else 200


# --- the weekly action list and the monthly bulletin ---------------------------------------------


@bp.get("/actions")
@roles_required(*STAFF)
def actions():
    week = _monday(local_now().date())
    return render_template(
        "venues/actions.html",
        actions=periodic.week_list(week),
        week=week,
        form=NoteForm(),
        labels=ACTION_LABELS,
    )


@bp.post("/actions/<int:action_id>")
@roles_required(*STAFF)
def take_action(action_id: int):
    action = db.session.get(VenueAction, action_id) or abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            periodic.take_action(action, current_user, form.note.data)
        except periodic.ActionError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Action recorded."), "success")
    return redirect(url_for("venues.actions"))


@bp.get("/bulletins")
@roles_required(*STAFF)
def bulletins():
    rows = periodic.bulletins()
    month = request.args.get("month", "")[:7]
    shown = next((b for b in rows if b.month == month), rows[0] if rows else None)
    return render_template(
        "venues/bulletins.html",
        bulletins=rows,
        bulletin=shown,
        categories=CATEGORY_LABELS,
        labels=ACTION_LABELS,
    )


@bp.get("/bulletins/<month>.csv")
@roles_required(*STAFF)
def bulletin_csv(month: str):
    bulletin = next((b for b in periodic.bulletins() if b.month == month), None) or abort(404)
    header = [_("Venue"), _("Category"), _("Score"), _("Change"), _("Actions taken")]
    rows = (
        [
            r["name"],
            str(CATEGORY_LABELS.get(r["category"], r["category"])),
            r["score"],
            r["change"],
            "; ".join(str(ACTION_LABELS.get(a, a)) for a in r["actions"]),
        ]
        for r in bulletin.rows
    )
    return csv_response(header, rows, f"venue-bulletin-{bulletin.month}.csv")


@bp.get("/bulletins/<month>.pdf")
@roles_required(*STAFF)
def bulletin_pdf(month: str):
    bulletin = next((b for b in periodic.bulletins() if b.month == month), None) or abort(404)
    return Response(
        render_bulletin_pdf(bulletin),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="venue-bulletin-{bulletin.month}.pdf"'},
    )


# --- the manager ----------------------------------------------------------------------------------


@bp.get("/mine")
@roles_required(*MANAGER)
def mine():
    venues = services.managed_by(current_user)
    scores = services.scores(venue_ids=[v.id for v in venues]) if venues else {}
    return render_template(
        "venues/mine.html",
        venues=[(v, scores.get(v.id, v.base_score), services.findings_of(v)) for v in venues],
        form=ProofForm(),
        today=local_now().date(),
    )


@bp.post("/mine/findings/<int:finding_id>/proof")
@roles_required(*MANAGER)
def proof(finding_id: int):
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.venue.manager_id != current_user.id:
        abort(404)
    form = ProofForm()
    if form.validate_on_submit():
        try:
            services.send_proof(finding, current_user, form.note.data, _upload())
        except services.VenueError as exc:
            refuse(str(ERRORS[exc.code]))
        except PhotoError as exc:
            refuse(_photo_error(exc.code))
        else:
            flash(_("Proof sent. The station will check it."), "success")
    return redirect(url_for("venues.mine"))


@bp.get("/photo/<name>")
@roles_required(*MANAGER, *STAFF)
def photo(name: str):
    row = db.session.scalar(
        sa.select(FindingPhoto).where(sa.or_(FindingPhoto.file_name == name, FindingPhoto.thumb_name == name))
    )
    if row is None:
        abort(404)
    finding = db.session.get(Finding, row.finding_id)
    if not (current_user.has_role(*STAFF) or finding.venue.manager_id == current_user.id):
        abort(404)
    response = send_from_directory(services.photo_dir(), name, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
