"""Scheduling sessions, the ICS file of one, and the mediation room's calendar."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.disputes import bp, sessions
from tipboard.disputes.access import case_for, mediator_case, viewer_of
from tipboard.disputes.forms import ScheduleForm
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.models import MediationSession
from tipboard.disputes.views import error_text
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.nav import register_nav
from tipboard.permissions import STAFF, Role, public, roles_required
from tipboard.timezones import from_local, local_now

CALENDAR_ROLES = (*STAFF, Role.MEDIATOR, Role.LAWYER, Role.PARTNER)

register_nav("disputes.calendar", _l("Mediation room"), roles=CALENDAR_ROLES, order=64)


@bp.post("/case/<code>/session")
@public
def schedule(code: str):
    case, _viewer = mediator_case(code, "schedule")
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(error_text(DisputeError("bad_session")), "error")
        return redirect(url_for("disputes.case", code=case.code) + "#sessions")
    starts = from_local(dt.datetime.combine(form.day.data, dt.time(form.hour.data)))
    try:
        sessions.schedule(case, starts, form.hours.data, form.place.data, current_user)
    except DisputeError as exc:
        refuse(error_text(exc))
    else:
        flash(_("The session was scheduled."), "success")
    return redirect(url_for("disputes.case", code=case.code) + "#sessions")


@bp.get("/case/<code>/session/<int:session_id>.ics")
@public
def session_ics(code: str, session_id: int):
    case, _viewer = case_for(code, "download session")
    session = db.session.get(MediationSession, session_id)
    if session is None or session.case_id != case.id:
        abort(404)
    response = Response(
        sessions.ics(session, current_app.config["STATION_NAME_ZH"]), mimetype="text/calendar"
    )
    response.headers["Content-Disposition"] = f"attachment; filename=mediation-{session.id}.ics"
    return response


@bp.get("/calendar")
@roles_required(*CALENDAR_ROLES)
def calendar():
    """The room's next two weeks and the lawyer days. A booked hour names its case only to those
    who may see the case."""
    days = sessions.room_calendar(local_now().date())
    visible = {s.id for d in days for s in d["sessions"] if viewer_of(s.case) is not None}
    return render_template("disputes/calendar.html", days=days, visible=visible)
