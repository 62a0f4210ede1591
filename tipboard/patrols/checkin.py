"""Turning up: signed QR links per point, check-in/out, closing attendance, hours.

Time has a say: check-in opens PATROL_CHECKIN_OPENS_MINUTES before the start and closes at the
end; checking out comes after the start; a closed shift takes no check-in or check-out."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import contains_eager

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols.errors import PatrolError
from tipboard.patrols.models import PatrolPoint, Shift, SignUp, SignUpStatus


def checkin_opens(shift: Shift) -> dt.datetime:
    """When check-in opens for ``shift`` (a set time before it starts)."""
    return shift.starts_at - dt.timedelta(minutes=current_app.config["PATROL_CHECKIN_OPENS_MINUTES"])


def is_closed(shift: Shift) -> bool:
    """Closed by its leader with a report, or its attendance closed after it ended."""
    return shift.closed_at is not None or shift.attendance_closed_at is not None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="patrol-point-checkin")


def point_token(point: PatrolPoint) -> str:
    return _serializer().dumps({"point": point.id})


def point_from_token(token: str) -> PatrolPoint:
    max_age = current_app.config["PATROL_QR_MAX_AGE_DAYS"] * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise PatrolError("qr_expired") from None
    except BadSignature:
        raise PatrolError("qr_invalid") from None
    point = db.session.get(PatrolPoint, data.get("point"))
    if point is None:
        raise PatrolError("qr_invalid")
    return point


def current_signup(user, point: PatrolPoint, now: dt.datetime) -> SignUp | None:
    """The user's confirmed sign-up on a shift at this point that is on now (or starts soon)."""
    return db.session.scalar(
        sa.select(SignUp)
        .join(Shift)
        .where(
            SignUp.user_id == user.id,
            SignUp.status == SignUpStatus.CONFIRMED.value,
            Shift.point_id == point.id,
            Shift.starts_at <= now + dt.timedelta(minutes=current_app.config["PATROL_CHECKIN_OPENS_MINUTES"]),
            Shift.ends_at >= now,
            Shift.closed_at.is_(None),
            Shift.attendance_closed_at.is_(None),
        )
        .order_by(Shift.starts_at)
        .limit(1)
    )


def scan(token: str, user, now: dt.datetime | None = None) -> tuple[str, SignUp]:
    """A volunteer scanned a point's code: check in, or out if already in. Returns ("in"|"out", sign-up)."""
    now = now or utcnow()
    point = point_from_token(token)
    signup = current_signup(user, point, now)
    if signup is None:
        raise PatrolError("no_current_shift")
    return toggle(signup, now, by=user)


def toggle(signup: SignUp, now: dt.datetime, by) -> tuple[str, SignUp]:
    """Check in (from the window's opening to the shift's end) or out (after the start)."""
    shift = signup.shift
    if is_closed(shift):
        raise PatrolError("shift_closed")
    if signup.checked_in_at is None:
        if now < checkin_opens(shift):
            raise PatrolError("checkin_not_open", minutes=current_app.config["PATROL_CHECKIN_OPENS_MINUTES"])
        if now > shift.ends_at:
            raise PatrolError("checkin_over")
        signup.checked_in_at, signup.checked_in_by_id = now, by.id
        result = "in"
    elif signup.checked_out_at is None:
        if now < shift.starts_at:
            raise PatrolError("checkout_too_early")
        signup.checked_out_at = max(now, signup.checked_in_at)
        result = "out"
    else:
        raise PatrolError("already_out")
    db.session.flush()
    return result, signup


def close_attendance(now: dt.datetime | None = None) -> int:
    """After a shift: close missing check-outs at its end, mark people who never came as no-shows."""
    now = now or utcnow()
    shifts = db.session.scalars(
        sa.select(Shift).where(Shift.ends_at < now, Shift.attendance_closed_at.is_(None))
    ).all()
    for shift in shifts:
        for signup in shift.signups:
            if signup.status != SignUpStatus.CONFIRMED.value:
                continue
            if signup.checked_in_at is None:
                signup.status = SignUpStatus.NO_SHOW.value
            elif signup.checked_out_at is None:
                signup.checked_out_at, signup.auto_checked_out = shift.ends_at, True
        shift.attendance_closed_at = now
    db.session.flush()
    return len(shifts)


def hours_by_user(
    user_ids=None, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> dict[int, dict]:
    """{user id: {"hours", "shifts", "no_shows"}} from check-ins."""
    query = sa.select(SignUp).join(Shift).options(contains_eager(SignUp.shift))
    if user_ids is not None:
        query = query.where(SignUp.user_id.in_(list(user_ids)))
    if start is not None:
        query = query.where(Shift.starts_at >= start)
    if end is not None:
        query = query.where(Shift.starts_at < end)
    totals: dict[int, dict] = {}
    for signup in db.session.scalars(query):
        row = totals.setdefault(signup.user_id, {"hours": 0.0, "shifts": 0, "no_shows": 0})
        if signup.status == SignUpStatus.NO_SHOW.value:
            row["no_shows"] += 1
        elif signup.checked_in_at is not None:
            row["shifts"] += 1
            row["hours"] = round(row["hours"] + signup_hours(signup), 2)
    return totals


def signup_hours(signup: SignUp) -> float:
    """The hours one sign-up counts for: check-in to check-out; checked in but never out on a shift
    that has ended, until its end (what closing its attendance records). Everything else: 0."""
    if signup.checked_in_at is None or signup.status == SignUpStatus.NO_SHOW.value:
        return 0.0
    if signup.checked_out_at is not None:
        return signup.hours
    if signup.shift.ends_at <= utcnow():
        return round(max((signup.shift.ends_at - signup.checked_in_at).total_seconds(), 0) / 3600, 2)
    return 0.0


def next_shift_at(point: PatrolPoint, user, now: dt.datetime | None = None) -> Shift | None:
    """What a code scanned outside the window points to: the user's own next shift at this point,
    else the point's next shift that is still open."""
    now = now or utcnow()
    upcoming = (
        sa.select(Shift)
        .where(Shift.point_id == point.id, Shift.ends_at > now, Shift.closed_at.is_(None))
        .order_by(Shift.starts_at)
        .limit(1)
    )
    own = db.session.scalar(
        upcoming.join(SignUp).where(SignUp.user_id == user.id, SignUp.status == SignUpStatus.CONFIRMED.value)
    )
    return own or db.session.scalar(upcoming)
