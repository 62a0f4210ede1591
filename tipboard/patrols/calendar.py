"""A volunteer's shifts as an iCalendar feed phones can subscribe to (a secret, resettable URL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from icalendar import Calendar, Event
from sqlalchemy.orm import contains_eager

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols.models import Shift, SignUp, SignUpStatus, VolunteerProfile, _new_token


def feed(profile: VolunteerProfile, station_name: str, now: dt.datetime | None = None) -> bytes:
    now = now or utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//tipboard//patrol shifts//")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{station_name} · tipboard")
    signups = db.session.scalars(
        sa.select(SignUp)
        .join(Shift)
        .where(
            SignUp.user_id == profile.user_id,
            SignUp.status == SignUpStatus.CONFIRMED.value,
            Shift.ends_at >= now - dt.timedelta(days=30),
        )
        .order_by(Shift.starts_at)
        .options(contains_eager(SignUp.shift).joinedload(Shift.point))
    ).all()
    for signup in signups:
        shift = signup.shift
        event = Event()
        event.add("uid", f"shift-{shift.id}-user-{profile.user_id}@tipboard")
        event.add("summary", shift.title or shift.point.name)
        event.add("dtstart", shift.starts_at.replace(tzinfo=dt.UTC))
        event.add("dtend", shift.ends_at.replace(tzinfo=dt.UTC))
        event.add("dtstamp", now.replace(tzinfo=dt.UTC))
        event.add("location", f"{shift.point.name} ({shift.point.lat:.5f}, {shift.point.lon:.5f})")
        calendar.add_component(event)
    return calendar.to_ical()


def reset_token(profile: VolunteerProfile) -> str:
    profile.calendar_token = _new_token()
    db.session.flush()
    return profile.calendar_token
