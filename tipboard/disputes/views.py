"""Intake, following a case by code and secret, my cases, figures."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from tipboard.csvexport import csv_response
from tipboard.disputes import bp, intake
from tipboard.disputes.access import grant_party
from tipboard.disputes.figures import figures as dispute_figures
from tipboard.disputes.forms import CaseForm, FollowForm, set_grid_choices
from tipboard.disputes.intake import Applicant, DisputeError
from tipboard.disputes.messages import ERRORS
from tipboard.disputes.models import CaseStatus, Channel, DisputeCase
from tipboard.disputes.services import cases_of
from tipboard.extensions import db, limiter
from tipboard.flow import refuse
from tipboard.geo import grid_places
from tipboard.moderation.registry import register_overview_panel
from tipboard.nav import register_nav
from tipboard.permissions import STAFF, login_required, public, roles_required
from tipboard.ratelimit import browser_key, limit

register_nav("disputes.new", _l("Mediation"), order=25)
register_nav("disputes.figures", _l("Mediation figures"), roles=STAFF, order=63)


def error_text(exc: DisputeError) -> str:
    return str(ERRORS[exc.code]) % exc.params


def _files(name: str) -> list[tuple[str, bytes]]:
    return [(f.filename or "", f.read()) for f in request.files.getlist(name) if f and f.filename]


@bp.route("/new", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_TIP_SUBMIT"), methods=["POST"], key_func=browser_key)
@limiter.limit(limit("RATE_TIP_SUBMIT_ADDRESS"), methods=["POST"])
def new():
    """A resident applies; staff record a walk-in or a phone call with the same form."""
    form = CaseForm()
    set_grid_choices(form, grid_places())
    staff = current_user.is_authenticated and current_user.has_role(*STAFF)
    if form.validate_on_submit():
        if staff or not current_user.is_authenticated:
            applicant = Applicant(None, form.applicant_name.data or "", form.applicant_phone.data or None)
        else:
            applicant = Applicant(current_user, current_user.name, form.applicant_phone.data or None)
        channel = form.channel.data if staff else Channel.ONLINE.value
        try:
            receipt = intake.open_case(
                applicant,
                form.kind.data,
                form.facts.data,
                form.wishes.data,
                other_name=form.other_name.data,
                other_phone=form.other_phone.data,
                meeting=form.meeting.data,
                channel=channel,
                risk=form.risk.data,
                grid_id=form.grid.data or None,
                recorded_by=current_user if staff else None,
            )
            applicant_party = receipt.case.parties[0]
            for name, data in _files("evidence"):
                intake.add_file(receipt.case, name, data, party=applicant_party, user=applicant.user)
        except DisputeError as exc:
            refuse(error_text(exc))
            return render_template("disputes/new.html", form=form, staff=staff), 400
        session["dispute_receipt"] = {"code": receipt.code, "secret": receipt.secret}
        if receipt.secret and not staff:
            grant_party(applicant_party.id)
        return redirect(url_for("disputes.receipt"))
    return render_template("disputes/new.html", form=form, staff=staff), 400 if form.errors else 200


@bp.get("/receipt")
@public
def receipt():
    data = session.pop("dispute_receipt", None)
    if not data:
        return redirect(url_for("disputes.follow"))
    response = current_app.make_response(render_template("disputes/receipt.html", **data))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/follow", methods=["GET", "POST"])
@public
@limiter.limit(
    limit("RATE_TRACK_LOOKUP"),
    methods=["POST"],
    key_func=browser_key,
    deduct_when=lambda r: r.status_code != 302,
)
@limiter.limit(
    limit("RATE_TRACK_LOOKUP_ADDRESS"), methods=["POST"], deduct_when=lambda r: r.status_code != 302
)
def follow():
    """A party without an account opens their case with the case code and their secret (the
    applicant) or invitation code (the other side)."""
    form = FollowForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    if form.validate_on_submit():
        party = intake.match_party(form.code.data, form.secret.data)
        if party is not None:
            grant_party(party.id)
            return redirect(url_for("disputes.case", code=party.case.code))
        form.secret.errors = [str(ERRORS["bad_invitation"])]
    mine = cases_of(current_user) if current_user.is_authenticated else []
    return render_template("disputes/follow.html", form=form, mine=mine), 400 if form.errors else 200


@bp.get("/mine")
@login_required
def mine():
    return render_template("disputes/mine.html", cases=cases_of(current_user))


@bp.get("/figures")
@roles_required(*STAFF)
def figures():
    return render_template("disputes/figures.html", f=dispute_figures())


@bp.get("/figures.csv")
@roles_required(*STAFF)
def figures_csv():
    f = dispute_figures()
    header = [
        _("Group"),
        _("Name"),
        _("Received"),
        _("Accepted"),
        _("Settled"),
        _("Settlement rate %"),
        _("Median days to settle"),
        _("Came back within 90 days"),
        _("Settled for good"),
    ]
    rows = [["", _("All"), *_numbers(f.total)]]
    for group, items in f.by.items():
        rows += [[group, row.label, *_numbers(row)] for row in items]
    return csv_response(header, rows, "mediation-figures.csv")


def _numbers(row) -> list:
    pct = row.settlement_pct
    return [
        row.received,
        row.accepted,
        row.settled,
        "" if pct is None else pct,
        "" if row.median_days is None else row.median_days,
        row.came_back,
        row.settled_for_good,
    ]


def dispute_overview() -> Markup:
    """The mediation block of the moderation overview (figures only: nothing about a case)."""
    waiting = db.session.scalar(
        sa.select(sa.func.count()).where(DisputeCase.status == CaseStatus.RECEIVED.value)
    )
    html = render_template("disputes/_overview.html", f=dispute_figures(), waiting=waiting)
    # Our own template's autoescaped output; marking it safe only stops a second escape.
    return Markup(html)  # nosec B704


register_overview_panel(dispute_overview, order=30)
