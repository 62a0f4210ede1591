"""Station staff check a printed record of service hours: the verification code on the PDF says
whose record it is, the period and the hours, signed with the station's key (patrols/hours.py)."""

from __future__ import annotations

from flask import g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tipboard.auth.models import User
from tipboard.extensions import db, limiter
from tipboard.nav import register_nav
from tipboard.patrols import bp, hours
from tipboard.patrols.checkin import signup_hours
from tipboard.patrols.forms import RecordCheckForm
from tipboard.permissions import STAFF, roles_required
from tipboard.ratelimit import browser_key, limit

register_nav("patrols.check_record", _l("Check an hours record"), roles=STAFF, order=57)


def _wrong_code(_response) -> bool:
    return g.get("record_code_wrong", False)


@bp.route("/hours/check", methods=["GET", "POST"])
@roles_required(*STAFF)
@limiter.limit(limit("RATE_RECORD_CHECK"), methods=["POST"], key_func=browser_key, deduct_when=_wrong_code)
@limiter.limit(limit("RATE_RECORD_CHECK_ADDRESS"), methods=["POST"], deduct_when=_wrong_code)
def check_record():
    """Enter the code from a record; see whose it is, its period and hours, or "no such record".
    Only wrong codes count against the guessing limits."""
    form = RecordCheckForm()
    found = person = None
    if form.validate_on_submit():
        found = hours.read_code(form.code.data)
        person = db.session.get(User, found["user_id"]) if found else None
        if person is None:
            g.record_code_wrong = True
            form.code.errors = [_("No such record: the code is not one this station issued.")]
            found = None
        else:
            # What the station's records say today for the same period (a check-out corrected since).
            found["hours_now"] = round(
                sum(signup_hours(s) for s in hours.attended(person.id, found["start"], found["end"])), 2
            )
    status = 400 if form.errors else 200
    return render_template("patrols/check_record.html", form=form, found=found, person=person), status
