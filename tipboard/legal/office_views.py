"""Office hours at the station, the duty rota, and the figures."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tipboard.csvexport import csv_response
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.legal import bp, figures, office, rota
from tipboard.legal.errors import LEGAL_ERRORS, LegalError
from tipboard.legal.forms import (
    WEEKDAYS,
    BookForm,
    ConfirmForm,
    DayOffForm,
    DutyForm,
    MonthForm,
    MoveForm,
    OfficeHoursForm,
    OutcomeForm,
    WalkInForm,
)
from tipboard.legal.models import Booking, OfficeHours, OfficeSlot
from tipboard.links import external_url
from tipboard.partners.models import Organisation, OrganisationKind
from tipboard.permissions import STAFF, SUPERVISORS, Role, login_required, public, roles_required
from tipboard.qr import qr_svg
from tipboard.timezones import local_now

LAWYERS_AND_STAFF = (Role.LAWYER, *STAFF)


def _error(exc: LegalError) -> str:
    return str(LEGAL_ERRORS[exc.code])


def _firms_for(user) -> list[Organisation]:
    """The firms a user may manage office hours for: their own, or every law firm for staff."""
    if user.has_role(*STAFF):
        return list(
            db.session.scalars(
                sa.select(Organisation)
                .where(Organisation.kind == OrganisationKind.LAW_FIRM.value, Organisation.active.is_(True))
                .order_by(Organisation.name)
            )
        )
    return rota.law_firms_of(user)


def _booking_for(code: str, *, manage: bool = False) -> Booking:
    """The booking with this code for its resident, staff, or a lawyer of the sitting's firm
    (``manage``: only staff and those lawyers); 403 for anyone else, and for an unknown code."""
    booking = db.session.scalar(sa.select(Booking).where(Booking.code == code[:40]))
    if booking is None:
        abort(403)
    station = current_user.has_role(*STAFF) or (
        current_user.has_role(Role.LAWYER) and booking.slot.organisation.has_member(current_user)
    )
    if not (station or (not manage and booking.user_id == current_user.id)):
        abort(403)
    return booking


# --- office hours for residents ----------------------------------------------------------------


@bp.get("/office")
@public
def office_hours_list():
    slots = office.upcoming_slots()
    return render_template("legal/office.html", slots=slots, form=BookForm(), when=office.when_text)


@bp.post("/office/<int:slot_id>/book")
@login_required
def book(slot_id: int):
    slot = db.session.get(OfficeSlot, slot_id)
    if slot is None:
        abort(404)
    form = BookForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        booking = office.book(slot, current_user, topic=form.topic.data or None)
    except LegalError as exc:
        refuse(_error(exc))
        return redirect(url_for("legal.office_hours_list"))
    return redirect(url_for("legal.booking", code=booking.code))


@bp.route("/office/<int:slot_id>/walk-in", methods=["GET", "POST"])
@roles_required(*STAFF)
def walk_in(slot_id: int):
    slot = db.session.get(OfficeSlot, slot_id)
    if slot is None:
        abort(404)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            booking = office.book(
                slot, None, walk_in_name=form.name.data, booked_by=current_user, topic=form.topic.data or None
            )
        except LegalError as exc:
            refuse(_error(exc))
        else:
            return redirect(url_for("legal.booking", code=booking.code))
    return render_template("legal/walk_in.html", form=form, slot=slot, when=office.when_text(slot)), (
        400 if form.errors else 200
    )


@bp.get("/bookings")
@login_required
def my_bookings():
    return render_template(
        "legal/bookings.html", bookings=office.bookings_of(current_user), when=office.when_text
    )


@bp.get("/booking/<code>")
@login_required
def booking(code: str):
    item = _booking_for(code)
    link = external_url("legal.booking", code=item.code)
    return render_template(
        "legal/booking.html",
        booking=item,
        qr=qr_svg(link),
        when=office.when_text(item.slot),
        confirm=ConfirmForm(),
    )


@bp.get("/booking/<code>/calendar.ics")
@login_required
def booking_ics(code: str):
    item = _booking_for(code)
    body = office.ics(item, external_url("legal.booking", code=item.code))
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": "attachment; filename=consultation.ics",
        },
    )


@bp.post("/booking/<code>/cancel")
@login_required
def cancel(code: str):
    item = _booking_for(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        office.cancel(item)
    except LegalError as exc:
        refuse(_error(exc))
    else:
        flash(_("The booking is cancelled."), "success")
    return redirect(url_for("legal.booking", code=item.code))


@bp.route("/booking/<code>/move", methods=["GET", "POST"])
@login_required
def move(code: str):
    item = _booking_for(code)
    form = MoveForm()
    choices = [s for s in office.upcoming_slots() if s.id != item.slot_id and s.free > 0]
    form.slot.choices = [(s.id, f"{office.when_text(s)} · {s.organisation.name}") for s in choices]
    if form.validate_on_submit():
        new_slot = db.session.get(OfficeSlot, form.slot.data)
        try:
            fresh = office.move(item, new_slot)
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("Your booking was moved."), "success")
            return redirect(url_for("legal.booking", code=fresh.code))
    return render_template("legal/move.html", form=form, booking=item), 400 if form.errors else 200


# --- the station side of office hours ----------------------------------------------------------------


@bp.route("/office/hours", methods=["GET", "POST"])
@roles_required(*LAWYERS_AND_STAFF)
def manage_hours():
    firms = _firms_for(current_user)
    form = OfficeHoursForm()
    form.organisation.choices = [(f.id, f.name) for f in firms]
    if form.validate_on_submit():
        firm = next(f for f in firms if f.id == form.organisation.data)
        lawyer = (
            current_user if current_user.has_role(Role.LAWYER) and firm.has_member(current_user) else None
        )
        try:
            office.add_office_hours(
                firm,
                form.weekday.data,
                form.start.data,
                form.end.data,
                form.places.data,
                lawyer=lawyer,
                joint_mediation=form.joint_mediation.data,
            )
        except LegalError as exc:
            refuse(_error(exc))
        else:
            office.make_slots()
            flash(_("The office hours were added."), "success")
            return redirect(url_for("legal.manage_hours"))
    hours = db.session.scalars(
        sa.select(OfficeHours)
        .where(OfficeHours.organisation_id.in_([f.id for f in firms] or [-1]), OfficeHours.active.is_(True))
        .order_by(OfficeHours.weekday, OfficeHours.start_time)
    ).all()
    return render_template("legal/manage_hours.html", form=form, hours=hours, weekdays=dict(WEEKDAYS)), (
        400 if form.errors else 200
    )


@bp.get("/office/consultations")
@roles_required(*LAWYERS_AND_STAFF)
def consultations():
    items = office.consultations(
        current_user,
        all_firms=current_user.has_role(*STAFF),
        firm_ids=[f.id for f in rota.law_firms_of(current_user)],
    )
    return render_template(
        "legal/consultations.html", bookings=items, form=OutcomeForm(formdata=None), when=office.when_text
    )


@bp.post("/booking/<code>/outcome")
@roles_required(*LAWYERS_AND_STAFF)
def outcome(code: str):
    item = _booking_for(code, manage=True)
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_("Please choose an outcome."), "error")
        return redirect(url_for("legal.consultations"))
    try:
        office.record_outcome(
            item, None if form.outcome.data == "no_show" else form.outcome.data, form.note.data
        )
    except LegalError as exc:
        refuse(_error(exc))
    else:
        flash(_("The outcome was recorded."), "success")
    return redirect(url_for("legal.consultations"))


# --- the duty rota ----------------------------------------------------------------------------------


@bp.route("/duty", methods=["GET", "POST"])
@roles_required(Role.LAWYER)
def duty():
    firms = rota.law_firms_of(current_user)
    form = DutyForm(prefix="hours")
    form.organisation.choices = [(f.id, f.name) for f in firms]
    off_form = DayOffForm(prefix="off")
    if request.method == "POST":
        try:
            if "hours-weekday" in request.form and form.validate_on_submit():
                firm = next(f for f in firms if f.id == form.organisation.data)
                rota.add_duty_hours(
                    current_user, firm, form.weekday.data, form.start_hour.data, form.end_hour.data
                )
                flash(_("Your hours on duty were added."), "success")
                return redirect(url_for("legal.duty"))
            if "off-day" in request.form and off_form.validate_on_submit():
                rota.add_day_off(current_user, off_form.day.data, off_form.note.data)
                flash(_("Your day off was added."), "success")
                return redirect(url_for("legal.duty"))
        except LegalError as exc:
            refuse(_error(exc))
    hours, days_off = rota.duty_of(current_user)
    status = 400 if form.errors or off_form.errors else 200
    return render_template(
        "legal/duty.html",
        form=form,
        off_form=off_form,
        hours=hours,
        days_off=days_off,
        weekdays=dict(WEEKDAYS),
        confirm=ConfirmForm(),
        has_firm=bool(firms),
    ), status


@bp.post("/duty/<int:row_id>/remove")
@roles_required(Role.LAWYER)
def duty_remove(row_id: int):
    if ConfirmForm().validate_on_submit() and rota.remove_duty_hours(current_user, row_id):
        flash(_("Removed."), "success")
    return redirect(url_for("legal.duty"))


@bp.post("/duty/off/<int:row_id>/remove")
@roles_required(Role.LAWYER)
def day_off_remove(row_id: int):
    if ConfirmForm().validate_on_submit() and rota.remove_day_off(current_user, row_id):
        flash(_("Removed."), "success")
    return redirect(url_for("legal.duty"))


@bp.get("/rota")
@roles_required(*LAWYERS_AND_STAFF)
def rota_page():
    now = local_now()
    return render_template(
        "legal/rota.html",
        coverage=rota.coverage(),
        weekdays=WEEKDAYS,
        now_day=now.weekday(),
        now_hour=now.hour,
    )


# --- figures ------------------------------------------------------------------------------------------


def _month() -> dt.date:
    form = MonthForm(request.args)
    text = (form.month.data or "").strip()
    try:
        return dt.datetime.strptime(text, "%Y-%m").date() if text else local_now().date().replace(day=1)
    except ValueError:
        abort(400, description=_("The month must look like 2026-03."))


@bp.get("/figures")
@roles_required(*SUPERVISORS)
def figures_page():
    month = _month()
    return render_template(
        "legal/figures.html",
        month=month,
        q=figures.question_figures(month),
        consultations=figures.consultation_figures(month),
    )


@bp.get("/figures.csv")
@roles_required(*SUPERVISORS)
def figures_csv():
    month = _month()
    q = figures.question_figures(month)
    header = [
        "month",
        "kind",
        "name",
        "asked",
        "answered",
        "median_hours",
        "p90_hours",
        "within_target",
        "consultations_held",
        "no_shows",
        "sittings",
        "hours_given",
    ]
    rows = []
    for kind, items in (("all", q["total"]), ("firm", q["by_firm"]), ("lawyer", q["by_lawyer"])):
        for r in items:
            rows.append(
                [
                    f"{month:%Y-%m}",
                    kind,
                    r.label,
                    r.asked,
                    r.answered,
                    r.median_h,
                    r.p90_h,
                    r.within_target,
                    "",
                    "",
                    "",
                    "",
                ]
            )
    for c in figures.consultation_figures(month):
        rows.append(
            [
                f"{month:%Y-%m}",
                "office_hours",
                c.firm,
                "",
                "",
                "",
                "",
                "",
                c.held,
                c.no_shows,
                c.sittings,
                c.hours,
            ]
        )
    return csv_response(header, rows, f"legal-{month:%Y-%m}.csv")
