"""Routes for points that follow the incidents: suggestions, incident imports, editing and retiring."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.csvexport import csv_response
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.geo import Grid
from tipboard.patrols import bp, hotspots, incidents, points, shifts, teams
from tipboard.patrols.forms import PointForm
from tipboard.patrols.models import PatrolPoint, Team
from tipboard.patrols.point_forms import AcceptForm, DismissForm, ImportForm, RetireForm, hours_text
from tipboard.patrols.priority import BANDS
from tipboard.permissions import LEADERS, STAFF, roles_required

REFUSALS = {
    "gone": _l("That suggestion is no longer open: it was decided, or a point now covers it."),
    "already_decided": _l("That suggestion was already decided."),
    "already_retired": _l("That point is already retired."),
}
BAND_NAMES = {
    "night": _l("night"),
    "morning": _l("morning"),
    "afternoon": _l("afternoon"),
    "evening": _l("evening"),
}
FIELD_NAMES = {
    "name": _l("Name"),  # the history of points edited before names had two languages
    "name_en": _l("Name (English)"),
    "name_zh": _l("Name (Chinese)"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "radius_m": _l("Radius (metres)"),
    "grid_id": _l("Grid"),
    "team_id": _l("Team"),
    "base_weight": _l("Base priority"),
    "route_points": _l("Route"),
    "active": _l("In service"),
}


def _choices(form) -> None:
    form.grid.choices = [(str(g.id), g.name) for g in db.session.scalars(sa.select(Grid).order_by(Grid.code))]
    form.team.choices = teams.choices()


# --- suggestions ------------------------------------------------------------------------------------------


@bp.get("/hotspots")
@roles_required(*LEADERS)
def hotspot_list():
    """Suggested points; staff decide, a leader sees those in their teams' area, read-only."""
    staff = current_user.has_role(*STAFF)
    grid_ids = None if staff else hotspots.team_area_grid_ids(shifts.led_team_ids(current_user))
    spots = hotspots.suggestions(grid_ids=grid_ids)
    active = db.session.scalars(
        sa.select(PatrolPoint)
        .where(PatrolPoint.active.is_(True), shifts.points_led_by(current_user))
        .order_by(PatrolPoint.name_en)
    ).all()
    return render_template(
        "patrols/hotspots.html",
        spots=spots,
        points=active,
        staff=staff,
        bands=BANDS,
        band_names=BAND_NAMES,
        grids={g.id: g for g in db.session.scalars(sa.select(Grid))},
        dismiss_form=DismissForm(),
        settings=hotspots,
    )


def _spot(key: str) -> hotspots.Hotspot:
    try:
        return hotspots.find(key)
    except hotspots.HotspotError:
        flash(str(REFUSALS["gone"]), "error")
        abort(redirect(url_for("patrols.hotspot_list")))


@bp.route("/hotspots/<key>/accept", methods=["GET", "POST"])
@roles_required(*STAFF)
def accept_hotspot(key: str):
    spot = _spot(key)
    form = AcceptForm()
    _choices(form)
    if request.method == "GET":
        with force_locale("zh_Hans"):
            form.name_zh.data = _("Suggested point %(lat).4f, %(lon).4f", lat=spot.lat, lon=spot.lon)
        with force_locale("en"):
            form.name_en.data = _("Suggested point %(lat).4f, %(lon).4f", lat=spot.lat, lon=spot.lon)
        form.lat.data, form.lon.data, form.radius_m.data = spot.lat, spot.lon, spot.radius_m
        form.grid.data = str(spot.grid_id) if spot.grid_id else None
        form.hours.data = hours_text(spot.hours)
        form.weekdays.data = [str(d) for d in range(7)]
    elif form.validate_on_submit():
        try:
            point = hotspots.accept(
                spot,
                current_user.id,
                name_en=form.name_en.data,
                name_zh=form.name_zh.data,
                lat=form.lat.data,
                lon=form.lon.data,
                radius_m=form.radius_m.data,
                grid_id=int(form.grid.data),
                team_id=int(form.team.data) if form.team.data else None,
                hours=form.hour_ranges,
                weekdays=[int(d) for d in form.weekdays.data],
            )
        except hotspots.HotspotError as exc:
            refuse(str(REFUSALS[exc.code]))
            return redirect(url_for("patrols.hotspot_list"))
        flash(
            ngettext(
                "Point %(name)s made, with %(num)d shift template.",
                "Point %(name)s made, with %(num)d shift templates.",
                len(form.hour_ranges),
                name=point.name,
            ),
            "success",
        )
        return redirect(url_for("patrols.edit_point", point_id=point.id))
    return render_template(
        "patrols/hotspot_accept.html", form=form, spot=spot, band_names=BAND_NAMES
    ), 400 if form.errors else 200


@bp.post("/hotspots/<key>/dismiss")
@roles_required(*STAFF)
def dismiss_hotspot(key: str):
    spot = _spot(key)
    form = DismissForm()
    if not form.validate_on_submit():
        refuse(_("Say why no point is needed here."))
        return redirect(url_for("patrols.hotspot_list"))
    try:
        hotspots.dismiss(spot, current_user.id, form.reason.data)
    except hotspots.HotspotError as exc:
        refuse(str(REFUSALS[exc.code]))
    else:
        flash(_("Dismissed. It comes back only if new incidents arrive there."), "success")
    return redirect(url_for("patrols.hotspot_list"))


# --- incident import ----------------------------------------------------------------------------------------


def _import_page(form, result=None, status: int = 200, too_large: bool = False):
    recent = incidents.recent_summary()
    return render_template(
        "patrols/incidents.html",
        form=form,
        result=result,
        reasons=incidents.REASONS,
        too_large=too_large,
        limit_kb=current_app.config["INCIDENT_CSV_MAX_BYTES"] // 1024,
        recent=recent,
    ), status


@bp.route("/incidents", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_incidents():
    limit = current_app.config["INCIDENT_CSV_MAX_BYTES"]
    if request.method == "POST" and (request.content_length or 0) > limit + 16 * 1024:
        return _import_page(ImportForm(formdata=None), status=413, too_large=True)
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=400 if form.errors else 200)
    data = form.file.data.stream.read(limit + 1)
    if len(data) > limit:
        return _import_page(form, status=413, too_large=True)
    result = incidents.import_csv(data, current_user.id, utcnow())
    if result.errors:
        refuse(_("Nothing was imported: correct the rows below and send the file again."))
        return _import_page(form, result, status=400)
    flash(
        _(
            "%(added)d incidents imported, %(already)d were already there.",
            added=result.added,
            already=result.already,
        ),
        "success",
    )
    return redirect(url_for("patrols.import_incidents"))


@bp.get("/incidents/template.csv")
@roles_required(*STAFF)
def incidents_template():
    return csv_response(incidents.TEMPLATE_HEADER, incidents.TEMPLATE_ROWS, "incidents-template.csv")


# --- editing and retiring points -----------------------------------------------------------------------------


def _point(point_id: int) -> PatrolPoint:
    return db.session.get(PatrolPoint, point_id) or abort(404)


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_point(point_id: int):
    point = _point(point_id)
    form = PointForm(obj=point if request.method == "GET" else None)
    _choices(form)
    if request.method == "GET":
        form.grid.data = str(point.grid_id)
        form.team.data = str(point.team_id) if point.team_id else ""
        form.route.data = "\n".join(f"{lat}, {lon}" for lat, lon in point.route_points)
    elif form.validate_on_submit():
        changes = points.update_point(
            point,
            current_user.id,
            name_en=form.name_en.data,
            name_zh=form.name_zh.data,
            lat=form.lat.data,
            lon=form.lon.data,
            radius_m=form.radius_m.data,
            grid_id=int(form.grid.data),
            team_id=int(form.team.data) if form.team.data else None,
            base_weight=form.base_weight.data,
            route_points=form.route_points,
        )
        flash(_("Saved.") if changes else _("Nothing changed."), "success")
        return redirect(url_for("patrols.edit_point", point_id=point.id))
    return render_template(
        "patrols/point_edit.html",
        point=point,
        form=form,
        retire_form=RetireForm(),
        history=points.history(point.id),
        upcoming=points.upcoming_shifts(point.id, utcnow()),
        field_names=FIELD_NAMES,
        grids={g.id: g for g in db.session.scalars(sa.select(Grid))},
        teams={t.id: t for t in db.session.scalars(sa.select(Team))},
    ), 400 if form.errors else 200


@bp.post("/points/<int:point_id>/retire")
@roles_required(*STAFF)
def retire_point(point_id: int):
    point = _point(point_id)
    form = RetireForm()
    if not form.validate_on_submit():
        refuse(_("Say why the point is retired."))
    else:
        try:
            points.retire_point(point, current_user.id, form.reason.data)
        except points.PointError as exc:
            refuse(str(REFUSALS[exc.code]))
        else:
            flash(_("Retired: no new shifts; its past shifts and reports stay."), "success")
    return redirect(url_for("patrols.edit_point", point_id=point.id))


@bp.get("/points/retired")
@roles_required(*STAFF)
def retired_points():
    rows = db.session.scalars(
        sa.select(PatrolPoint).where(PatrolPoint.active.is_(False)).order_by(PatrolPoint.name_en)
    ).all()
    return render_template("patrols/points_retired.html", points=rows)
