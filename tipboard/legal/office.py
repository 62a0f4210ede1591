"""Office hours at the station: recurring sittings, their dated slots, bookings (by residents or
by staff for a walk-in), cancelling and moving, reminders, and each consultation's outcome.

A slot's ``booked`` count moves only by conditional UPDATEs (``booked < places``), with a check
constraint behind them, so two people taking the last place at once never both get it.
"""

from __future__ import annotations

import datetime as dt
import secrets

import icalendar
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.legal.errors import LegalError
from tipboard.legal.models import Booking, BookingStatus, OfficeHours, OfficeSlot, Outcome
from tipboard.outbox import notify, register_message
from tipboard.timezones import from_local, local_now, to_local

register_message(
    "legal.booked", _l("Office hours booked"), _l("Your place with %(firm)s on %(when)s is booked.")
)
register_message(
    "legal.reminder",
    _l("Office hours tomorrow"),
    _l("Reminder: your consultation with %(firm)s on %(when)s."),
)


def when_text(slot: OfficeSlot) -> str:
    return f"{to_local(slot.starts_at):%Y-%m-%d %H:%M}–{to_local(slot.ends_at):%H:%M}"


def add_office_hours(
    organisation,
    weekday: int,
    start: dt.time,
    end: dt.time,
    places: int,
    *,
    lawyer=None,
    joint_mediation: bool = False,
) -> OfficeHours:
    if not (0 <= weekday <= 6 and start < end):
        raise LegalError("bad_hours")
    if places < 1:
        raise LegalError("full")
    hours = OfficeHours(
        organisation_id=organisation.id,
        lawyer_id=lawyer.id if lawyer is not None else None,
        weekday=weekday,
        start_time=start,
        end_time=end,
        places=places,
        joint_mediation=joint_mediation,
    )
    db.session.add(hours)
    db.session.flush()
    return hours


def make_slots(weeks: int | None = None, today: dt.date | None = None) -> int:
    """The dated slots of every active sitting for the coming ``weeks``; each once (the unique
    (office hours, start) pair), so running it again adds only the new week."""
    weeks = weeks or current_app.config["LEGAL_SLOT_WEEKS"]
    today = today or local_now().date()
    made = 0
    for hours in db.session.scalars(sa.select(OfficeHours).where(OfficeHours.active.is_(True))):
        for offset in range(weeks * 7):
            day = today + dt.timedelta(days=offset)
            if day.weekday() != hours.weekday:
                continue
            starts = from_local(dt.datetime.combine(day, hours.start_time))
            exists = db.session.scalar(
                sa.select(OfficeSlot.id).where(
                    OfficeSlot.office_hours_id == hours.id, OfficeSlot.starts_at == starts
                )
            )
            if exists is not None:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(
                        OfficeSlot(
                            office_hours_id=hours.id,
                            organisation_id=hours.organisation_id,
                            lawyer_id=hours.lawyer_id,
                            starts_at=starts,
                            ends_at=from_local(dt.datetime.combine(day, hours.end_time)),
                            places=hours.places,
                            booked=0,
                            joint_mediation=hours.joint_mediation,
                        )
                    )
            except IntegrityError:
                continue
            made += 1
    return made


def upcoming_slots(now: dt.datetime | None = None, limit: int = 60) -> list[OfficeSlot]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(OfficeSlot)
            .where(OfficeSlot.starts_at > now)
            .order_by(OfficeSlot.starts_at)
            .limit(limit)
        )
    )


def _take_place(slot_id: int) -> bool:
    """One conditional UPDATE: of two people taking the last place at once, one gets it."""
    return (
        db.session.execute(
            sa.update(OfficeSlot)
            .where(OfficeSlot.id == slot_id, OfficeSlot.booked < OfficeSlot.places)
            .values(booked=OfficeSlot.booked + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _free_place(slot_id: int) -> None:
    db.session.execute(
        sa.update(OfficeSlot)
        .where(OfficeSlot.id == slot_id, OfficeSlot.booked > 0)
        .values(booked=OfficeSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


def book(
    slot: OfficeSlot,
    user=None,
    *,
    walk_in_name: str | None = None,
    booked_by=None,
    topic: str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """A place at ``slot`` for ``user`` (a resident booking), or for a walk-in named by staff."""
    now = now or utcnow()
    if slot.starts_at <= now:
        raise LegalError("past")
    if user is None and not (walk_in_name or "").strip():
        raise LegalError("walk_in_name")
    if user is not None and db.session.scalar(
        sa.select(Booking.id).where(
            Booking.slot_id == slot.id,
            Booking.user_id == user.id,
            Booking.status == BookingStatus.BOOKED.value,
        )
    ):
        raise LegalError("already_booked")
    if not _take_place(slot.id):
        raise LegalError("full")
    booking = Booking(
        code=secrets.token_urlsafe(16),
        slot_id=slot.id,
        user_id=user.id if user is not None else None,
        walk_in_name=(walk_in_name or "").strip() or None if user is None else None,
        booked_by_id=(booked_by or user).id if (booked_by or user) is not None else None,
        topic=topic,
        status=BookingStatus.BOOKED.value,
    )
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError:
        _free_place(slot.id)
        raise LegalError("already_booked") from None
    db.session.refresh(slot)
    if user is not None:
        notify(user, "legal.booked", {"firm": slot.organisation.name, "when": when_text(slot)})
    return booking


def _change_status(booking_id: int, old: str, new: str, **values) -> bool:
    return (
        db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking_id, Booking.status == old)
            .values(status=new, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def cancel(booking: Booking) -> None:
    if not _change_status(booking.id, BookingStatus.BOOKED.value, BookingStatus.CANCELLED.value):
        raise LegalError("not_live")
    _free_place(booking.slot_id)
    db.session.refresh(booking)


def move(booking: Booking, new_slot: OfficeSlot, now: dt.datetime | None = None) -> Booking:
    """Take a place at ``new_slot`` first, then give up the old one; refused, nothing changes."""
    if booking.status != BookingStatus.BOOKED.value:
        raise LegalError("not_live")
    if new_slot.id == booking.slot_id:
        raise LegalError("same_slot")
    with db.session.begin_nested():
        cancel(booking)
        fresh = book(
            new_slot,
            booking.user,
            walk_in_name=booking.walk_in_name,
            booked_by=booking.user,
            topic=booking.topic,
            now=now,
        )
    return fresh


def record_outcome(booking: Booking, outcome: str | None, note: str | None = None) -> None:
    """The lawyer's record of a consultation: its outcome, or ``None`` for a no-show."""
    if outcome is None:
        done = _change_status(booking.id, BookingStatus.BOOKED.value, BookingStatus.NO_SHOW.value)
    else:
        if outcome not in {o.value for o in Outcome}:
            raise LegalError("empty")
        done = _change_status(
            booking.id,
            BookingStatus.BOOKED.value,
            BookingStatus.HELD.value,
            outcome=outcome,
            outcome_note=(note or "").strip() or None,
        )
    if not done:
        raise LegalError("not_live")
    db.session.refresh(booking)


def bookings_of(user) -> list[Booking]:
    return list(
        db.session.scalars(
            sa.select(Booking)
            .join(OfficeSlot)
            .where(Booking.user_id == user.id)
            .order_by(OfficeSlot.starts_at.desc())
            .limit(100)
        )
    )


def consultations(user, *, all_firms: bool, firm_ids: list[int], days_back: int = 14) -> list[Booking]:
    """The bookings of recent and coming sittings a lawyer records (their firms'), or all (staff)."""
    since = utcnow() - dt.timedelta(days=days_back)
    query = (
        sa.select(Booking)
        .join(OfficeSlot)
        .where(OfficeSlot.starts_at >= since, Booking.status != BookingStatus.CANCELLED.value)
        .order_by(OfficeSlot.starts_at, Booking.id)
        .limit(300)
    )
    if not all_firms:
        query = query.where(OfficeSlot.organisation_id.in_(firm_ids or [-1]))
    return list(db.session.scalars(query))


def ics(booking: Booking, url: str) -> bytes:
    """The booking as an iCalendar event (one VEVENT, times in UTC)."""
    slot = booking.slot
    cal = icalendar.Calendar()
    cal.add("prodid", "-//tipboard//legal office hours//")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"legal-booking-{booking.id}@tipboard")
    event.add("dtstamp", utcnow().replace(tzinfo=dt.UTC))
    event.add("dtstart", slot.starts_at.replace(tzinfo=dt.UTC))
    event.add("dtend", slot.ends_at.replace(tzinfo=dt.UTC))
    event.add("summary", _("Legal consultation: %(firm)s", firm=slot.organisation.name))
    event.add("location", current_app.config["STATION_NAME_ZH"])
    event.add("url", url)
    cal.add_component(event)
    return cal.to_ical()


def send_reminders(now: dt.datetime | None = None) -> int:
    """Tell each booked resident the day before; ``reminded_at`` taken by a conditional UPDATE, so
    each booking is reminded once whoever runs the job."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Booking)
        .join(OfficeSlot)
        .where(
            Booking.status == BookingStatus.BOOKED.value,
            Booking.reminded_at.is_(None),
            Booking.user_id.is_not(None),
            OfficeSlot.starts_at > now,
            OfficeSlot.starts_at <= now + dt.timedelta(hours=24),
        )
    ).all()
    sent = 0
    for booking in due:
        taken = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, Booking.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken == 1:
            notify(
                booking.user,
                "legal.reminder",
                {"firm": booking.slot.organisation.name, "when": when_text(booking.slot)},
            )
            sent += 1
    return sent
