"""Mediation sessions: online or in the station's mediation room, a calendar of the room and the
lawyer days, reminders through the outbox, and an ICS file for a phone's calendar.

No double booking: each hour of the room is a row with a unique start, inserted in a savepoint;
of two requests for the same hour exactly one succeeds.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy.exc import IntegrityError

from tipboard.database import utcnow
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.models import DisputeCase, MediationSession, RoomBooking
from tipboard.disputes.services import case_link
from tipboard.disputes.workflow import KIND, ROOM_OPEN
from tipboard.extensions import db
from tipboard.moderation.services import record
from tipboard.outbox import notify
from tipboard.timezones import to_local

PLACES = ("online", "room")
REMIND_AHEAD = dt.timedelta(hours=24)


def schedule(case: DisputeCase, starts_at: dt.datetime, hours: int, place: str, actor) -> MediationSession:
    """Schedule a session (``starts_at`` naive UTC, on the hour). The room's hours are taken one
    by one; a taken hour refuses the whole session (the caller's transaction is rolled back)."""
    if case.status_enum not in ROOM_OPEN:
        raise DisputeError("room_closed")
    if place not in PLACES or not 1 <= hours <= 4 or starts_at.minute or starts_at.second:
        raise DisputeError("bad_session")
    if starts_at <= utcnow():
        raise DisputeError("bad_session")
    session = MediationSession(
        case_id=case.id,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        place=place,
        scheduled_by_id=actor.id,
    )
    db.session.add(session)
    db.session.flush()
    if place == "room":
        for hour in range(hours):
            try:
                with db.session.begin_nested():
                    db.session.add(
                        RoomBooking(session_id=session.id, slot_start=starts_at + dt.timedelta(hours=hour))
                    )
            except IntegrityError:
                raise DisputeError("room_taken") from None
    record(
        None, actor, "schedule", kind=KIND, subject_id=case.id, after={"session": session.id, "place": place}
    )
    return session


def sessions_of(case: DisputeCase) -> list[MediationSession]:
    return list(
        db.session.scalars(
            sa.select(MediationSession)
            .where(MediationSession.case_id == case.id)
            .order_by(MediationSession.starts_at)
        )
    )


def room_calendar(start: dt.date, days: int = 14) -> list[dict]:
    """Day by day (station dates): whether it is a lawyer day, and the sessions in the room."""
    lawyer_day = current_app.config["DISPUTE_LAWYER_WEEKDAY"]
    window_start = dt.datetime.combine(start, dt.time()) - dt.timedelta(days=1)
    sessions = db.session.scalars(
        sa.select(MediationSession)
        .where(
            MediationSession.place == "room",
            MediationSession.starts_at >= window_start,
            MediationSession.starts_at < window_start + dt.timedelta(days=days + 2),
        )
        .order_by(MediationSession.starts_at)
    ).all()
    calendar = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        calendar.append(
            {
                "day": day,
                "lawyer_day": day.weekday() == lawyer_day,
                "sessions": [s for s in sessions if to_local(s.starts_at).date() == day],
            }
        )
    return calendar


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind the parties and the mediators a day ahead (once: a conditional UPDATE claims it)."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(MediationSession).where(
            MediationSession.reminded_at.is_(None),
            MediationSession.starts_at > now,
            MediationSession.starts_at <= now + REMIND_AHEAD,
        )
    ).all()
    sent = 0
    for session in due:
        claimed = db.session.execute(
            sa.update(MediationSession)
            .where(MediationSession.id == session.id, MediationSession.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        case = session.case
        when = to_local(session.starts_at).strftime("%Y-%m-%d %H:%M")
        people = [p.user for p in case.parties if p.user is not None] + [m.user for m in case.members]
        for user in people:
            notify(
                user, "disputes.session_reminder", {"code": case.code, "when": when, "link": case_link(case)}
            )
            sent += 1
    return sent


def ics(session: MediationSession, station_name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//tipboard//mediation sessions//")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"dispute-session-{session.id}@tipboard")
    event.add("summary", f"{station_name} · {session.case.code}")
    event.add("dtstart", session.starts_at.replace(tzinfo=dt.UTC))
    event.add("dtend", session.ends_at.replace(tzinfo=dt.UTC))
    event.add("dtstamp", utcnow().replace(tzinfo=dt.UTC))
    event.add("location", station_name if session.place == "room" else case_link(session.case))
    calendar.add_component(event)
    return calendar.to_ical()
