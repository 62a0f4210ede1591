"""Channel choices, push subscriptions, alerts, leaders' messages and the admin's stuck list."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.geo import grid_places
from tipboard.notify import alerts, bp, routing, services, tipwatch, worker
from tipboard.notify.forms import CHANNEL_LABELS, AlertForm, BroadcastForm, ButtonForm, ChannelsForm
from tipboard.permissions import ADMINS, LEADERS, login_required, public, roles_required
from tipboard.timezones import to_local
from tipboard.tips.access import tip_for_reporter
from tipboard.tips.panels import register_tracking_panel
from tipboard.tips.services import active_categories

ERRORS = {
    "bad_subscription": _l("The browser sent a subscription that cannot be used."),
    "unknown_push_service": _l("This browser's push service is not one the station sends to."),
    "tip_closed": _l("This report is closed; there will be no more news about it."),
    "too_many_browsers": _l("Too many browsers already follow this report."),
    "too_many_watches": _l("You watch %(n)s areas already; remove one first.", n=alerts.MAX_WATCHES),
    "no_area": _l("Choose a grid, or give a point and a radius."),
    "outside_area": _l("That point is outside the station's area."),
    "bad_radius": _l("The radius must be between 50 and %(m)s metres.", m=alerts.MAX_RADIUS_M),
    "bad_text": _l("Write a message of at most %(n)s characters.", n=alerts.BROADCAST_MAX_CHARS),
    "not_your_team": _l("You can only message your own teams and their shifts."),
    "no_audience": _l("Choose who gets the message."),
}


STATUS_LABELS = {
    "pending": _l("Waiting"),
    "sending": _l("Sending"),
    "retrying": _l("Will try again"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "unknown": _l("Maybe sent: the worker stopped while sending"),
}


@bp.context_processor
def _labels() -> dict:
    return {
        "delivery_status_label": lambda value: str(STATUS_LABELS.get(value, value)),
        "channel_label": lambda value: str(CHANNEL_LABELS.get(value, value)),
    }


def _json_error(code: str, status: int = 400):
    return jsonify({"error": str(ERRORS[code])}), status


@bp.route("/channels", methods=["GET", "POST"])
@login_required
def channels():
    form = (
        ChannelsForm()
        if request.method == "POST"
        else ChannelsForm(channels=routing.current_channels(current_user))
    )
    if form.validate_on_submit():
        routing.set_choice(current_user, form.channels.data or [])
        flash(_("Saved."), "success")
        return redirect(url_for("notify.channels"))
    return render_template(
        "notify/channels.html",
        form=form,
        has_phone=bool(current_user.phone),
        has_email=bool(current_user.email),
        browsers=services.push_subscription_count(current_user),
    ), (400 if form.errors else 200)


@bp.post("/push/subscribe")
@login_required
def push_subscribe():
    try:
        services.subscribe(current_user, request.get_json(silent=True))
    except tipwatch.SubscriptionError as exc:
        return _json_error(exc.code)
    return jsonify({"ok": True}), 201


@bp.post("/push/unsubscribe")
@login_required
def push_unsubscribe():
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        return _json_error("bad_subscription")
    services.unsubscribe(current_user, endpoint)
    return jsonify({"ok": True})


@bp.post("/tip/<code>/push")
@public
def follow_tip(code: str):
    """An anonymous reporter's browser asks for news of the tip it may act for (code + secret)."""
    tip = tip_for_reporter(code)
    try:
        tipwatch.follow_tip(tip, request.get_json(silent=True))
    except tipwatch.SubscriptionError as exc:
        return _json_error(exc.code)
    return jsonify({"ok": True}), 201


def _tracking_panel(tip):
    if not current_app.config["VAPID_PUBLIC_KEY"] or not tip.is_open:
        return None
    return render_template("notify/_tip_push.html", tip=tip, followed=tipwatch.is_followed(tip))


register_tracking_panel(_tracking_panel, order=30)


def _alert_form() -> AlertForm:
    form = AlertForm()
    form.grid_id.choices = [(0, "—")] + [(g.id, g.name) for g in grid_places()]
    form.categories.choices = [(c.id, c.name) for c in active_categories()]
    return form


@bp.route("/alerts", methods=["GET", "POST"])
@login_required
def alerts_page():
    form = _alert_form()
    if form.validate_on_submit():
        try:
            alerts.add_watch(
                current_user,
                lat=form.lat.data,
                lon=form.lon.data,
                radius_m=form.radius_m.data,
                grid_id=form.grid_id.data or None,
                category_ids=form.categories.data,
            )
        except alerts.AlertError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("You will hear of new hazards there."), "success")
            return redirect(url_for("notify.alerts_page"))
    status = 400 if form.errors or request.method == "POST" else 200
    categories = {c.id: c.name for c in active_categories()}
    grids = {g.id: g.name for g in grid_places()}
    return render_template(
        "notify/alerts.html",
        form=form,
        watches=alerts.watches_of(current_user),
        categories=categories,
        grids=grids,
        button=ButtonForm(),
    ), status


@bp.post("/alerts/<int:watch_id>/remove")
@login_required
def remove_alert(watch_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not alerts.remove_watch(current_user, watch_id):
        abort(404)
    flash(_("Removed."), "success")
    return redirect(url_for("notify.alerts_page"))


@bp.route("/broadcast", methods=["GET", "POST"])
@roles_required(*LEADERS)
def broadcast():
    form = BroadcastForm()
    teams = alerts.teams_led_by(current_user)
    shifts = alerts.shifts_led_by(current_user, utcnow())
    form.audience.choices = [(f"team:{t.id}", _("Team %(name)s", name=t.name)) for t in teams] + [
        (f"shift:{s.id}", f"{s.title or s.point.name} · {format_datetime(to_local(s.starts_at), 'short')}")
        for s in shifts
    ]
    if form.validate_on_submit():
        kind, _sep, number = form.audience.data.partition(":")
        target = {"team_id": int(number)} if kind == "team" else {"shift_id": int(number)}
        try:
            count = alerts.broadcast(current_user, form.text.data, **target)
        except alerts.AlertError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Sent to %(n)s people.", n=count), "success")
            return redirect(url_for("notify.broadcast"))
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("notify/broadcast.html", form=form), status


@bp.get("/admin")
@roles_required(*ADMINS)
def stuck():
    return render_template("notify/stuck.html", deliveries=worker.stuck(), button=ButtonForm())


@bp.post("/admin/<int:delivery_id>/retry")
@roles_required(*ADMINS)
def retry(delivery_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not worker.retry(delivery_id):
        abort(404)
    db.session.flush()
    flash(_("It will be sent again within a minute."), "success")
    return redirect(url_for("notify.stuck"))
