"""Partner pages: the station's list of organisations and members; the partner's referrals."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.moderation.registry import register_overview_panel
from tipboard.nav import register_nav
from tipboard.partners import bp, referrals, services
from tipboard.partners.forms import MemberForm, OrganisationForm, ReplyForm
from tipboard.partners.models import KIND_LABELS, Organisation, Referral
from tipboard.permissions import STAFF, Role, roles_required
from tipboard.timezones import local_now
from tipboard.tips.messages import PHOTO_ERRORS
from tipboard.tips.photos import PhotoError

register_nav("partners.index", _l("Partners"), roles=STAFF, order=70)
register_nav("partners.referrals_page", _l("Referrals"), roles=(Role.PARTNER,), order=40)

PARTNER = (Role.PARTNER,)

ORGANISATION_ERRORS = {
    "name_taken": _l("Another organisation already has that name."),
    "bad_kind": _l("Choose a kind of organisation."),
    "no_account": _l("No active account has that user name, phone or email."),
    "already_member": _l("That account is already a member."),
    "no_member": _l("That member is not in this organisation."),
}
REFERRAL_ERRORS = {
    "not_member": _l("You do not act for the organisation this was referred to."),
    "not_open": _l("This referral is no longer open."),
    "empty_reply": _l("Write a message or attach a photo."),
}


def _photo_error(code: str) -> str:
    cfg = current_app.config
    return str(PHOTO_ERRORS[code]) % {
        "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
        "n": 1,
        "mp": cfg["MAX_DECODE_PIXELS"] // 1_000_000,
    }


# --- the station: organisations and members ------------------------------------------------------


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template(
        "partners/index.html",
        organisations=services.all_organisations(),
        figures=referrals.close_times(),
        kinds=KIND_LABELS,
        days=referrals.STATS_DAYS,
    )


def _organisation_or_404(org_id: int) -> Organisation:
    return db.session.get(Organisation, org_id) or abort(404)


@bp.route("/new", methods=["GET", "POST"], defaults={"org_id": None})
@bp.route("/<int:org_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def organisation(org_id: int | None):
    org = _organisation_or_404(org_id) if org_id else None
    form = OrganisationForm(obj=org)
    refused = False
    if form.validate_on_submit():
        try:
            org = services.save_organisation(
                org, name=form.name.data, kind=form.kind.data, phone=form.phone.data, active=form.active.data
            )
        except services.OrganisationError as exc:
            refused = True
            refuse(str(ORGANISATION_ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("partners.organisation", org_id=org.id))
    status = 400 if form.errors or refused else 200
    return render_template(
        "partners/organisation.html", form=form, org=org, member_form=MemberForm(), kinds=KIND_LABELS
    ), status


@bp.post("/<int:org_id>/members")
@roles_required(*STAFF)
def add_member(org_id: int):
    org = _organisation_or_404(org_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member_by_login(org, form.login.data, form.title.data)
        except services.OrganisationError as exc:
            refuse(str(ORGANISATION_ERRORS[exc.code]))
        else:
            flash(_("Member added."), "success")
            return redirect(url_for("partners.organisation", org_id=org.id))
    return render_template(
        "partners/organisation.html",
        form=OrganisationForm(obj=org),
        org=org,
        member_form=form,
        kinds=KIND_LABELS,
    ), 400


@bp.post("/<int:org_id>/members/<int:member_id>/remove")
@roles_required(*STAFF)
def remove_member(org_id: int, member_id: int):
    org = _organisation_or_404(org_id)
    try:
        services.remove_member(org, member_id)
    except services.OrganisationError:
        abort(404)
    flash(_("Member removed."), "success")
    return redirect(url_for("partners.organisation", org_id=org.id))


# --- the partner: what was referred to them ------------------------------------------------------


@bp.get("/referrals")
@roles_required(*PARTNER)
def referrals_page():
    return render_template(
        "partners/referrals.html", referrals=referrals.referrals_for(current_user), today=local_now().date()
    )


def _my_referral(referral_id: int) -> Referral:
    """The referral, to a member of its organisation; anyone else is told it does not exist."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or not referrals.can_act_for(referral, current_user):
        abort(404)
    return referral


@bp.get("/referrals/<int:referral_id>")
@roles_required(*PARTNER)
def referral(referral_id: int):
    ref = _my_referral(referral_id)
    return render_template("partners/referral.html", ref=ref, form=ReplyForm(), today=local_now().date())


@bp.post("/referrals/<int:referral_id>/reply")
@roles_required(*PARTNER)
def reply(referral_id: int):
    ref = _my_referral(referral_id)
    form = ReplyForm()
    if form.validate_on_submit():
        upload = request.files.get("photo")
        data = upload.read() if upload and upload.filename else None
        try:
            referrals.partner_reply(ref, current_user, form.body.data, photo=data, done=form.done.data)
        except referrals.ReferralError as exc:
            refuse(str(REFERRAL_ERRORS.get(exc.code, ORGANISATION_ERRORS.get(exc.code, ""))))
        except PhotoError as exc:
            refuse(_photo_error(exc.code))
        else:
            flash(_("Reported as done. The station will check.") if form.done.data else _("Sent."), "success")
            return redirect(url_for("partners.referral", referral_id=ref.id))
    return render_template("partners/referral.html", ref=ref, form=form, today=local_now().date()), 400


@bp.get("/referrals/<int:referral_id>/photo/<name>")
@roles_required(*PARTNER, *STAFF)
def referral_photo(referral_id: int, name: str):
    ref = db.session.get(Referral, referral_id)
    if ref is None or not (current_user.has_role(*STAFF) or referrals.can_act_for(ref, current_user)):
        abort(404)
    reply_row = next((r for r in ref.replies if name in (r.photo_name, r.thumb_name)), None)
    if reply_row is None:
        abort(404)
    response = send_from_directory(referrals.photo_dir(), name, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _close_times_panel():
    return render_template(
        "partners/_close_times.html", figures=referrals.close_times(), days=referrals.STATS_DAYS
    )


register_overview_panel(_close_times_panel, order=20)
