"""Timed work for patrols: attendance after shifts, reminders before them."""

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.jobs import scheduled
from tipboard.outbox import notify, register_message
from tipboard.patrols.checkin import close_attendance
from tipboard.patrols.models import ReminderSent, Shift, SignUp, SignUpStatus
from tipboard.patrols.shifts import _label

# Shift reminders go by SMS first (the person's chosen channels if SMS is off or not configured).
register_message(
    "patrols.reminder_day", _l("Shift tomorrow"), _l("Reminder: %(shift)s on %(when)s."), channels=("sms",)
)
register_message(
    "patrols.reminder_hour",
    _l("Shift in an hour"),
    _l("Your shift %(shift)s starts at %(when)s."),
    channels=("sms",),
)


@scheduled("patrols.attendance", "interval", minutes=15, misfire_grace_time=900)
def attendance() -> int:
    """Closes missing check-outs and marks no-shows. Safe to repeat: each shift is closed once."""
    return close_attendance()


@scheduled("patrols.reminders", "interval", minutes=15, misfire_grace_time=900)
def reminders(now: dt.datetime | None = None) -> int:
    """The day before and an hour before; a unique (sign-up, kind) row makes each one go out once."""
    now = now or utcnow()
    sent = 0
    for kind, ahead in (("day", dt.timedelta(hours=24)), ("hour", dt.timedelta(hours=1))):
        due = db.session.scalars(
            sa.select(SignUp)
            .join(Shift)
            .where(
                SignUp.status == SignUpStatus.CONFIRMED.value,
                Shift.starts_at > now,
                Shift.starts_at <= now + ahead,
                ~sa.exists().where(ReminderSent.signup_id == SignUp.id, ReminderSent.kind == kind),
            )
            .options(contains_eager(SignUp.shift), joinedload(SignUp.user))
        ).all()
        for signup in due:
            try:
                with db.session.begin_nested():
                    db.session.add(ReminderSent(signup_id=signup.id, kind=kind))
            except IntegrityError:
                continue
            notify(signup.user, f"patrols.reminder_{kind}", _label(signup.shift))
            sent += 1
    return sent
