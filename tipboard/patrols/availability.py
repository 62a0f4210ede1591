"""Whether a volunteer is free for a shift: their weekly slots and dated exceptions."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.patrols.models import Availability, AvailabilityException, Shift
from tipboard.patrols.shifts import PatrolError
from tipboard.timezones import to_local


def add_slot(user_id: int, weekday: int, start: dt.time, end: dt.time) -> Availability:
    """A weekly slot (station time) the volunteer is usually free."""
    if not 0 <= weekday <= 6 or not start < end:
        raise PatrolError("bad_slot")
    slot = Availability(user_id=user_id, weekday=weekday, start_time=start, end_time=end)
    db.session.add(slot)
    db.session.flush()
    return slot


def availability_of(user_ids) -> dict[int, tuple[list, set]]:
    """{user id: (weekly slots, days away)} with two queries for many people."""
    user_ids = list(user_ids)
    result = {uid: ([], set()) for uid in user_ids}
    for slot in db.session.scalars(sa.select(Availability).where(Availability.user_id.in_(user_ids))):
        result[slot.user_id][0].append(slot)
    for exc in db.session.scalars(
        sa.select(AvailabilityException).where(
            AvailabilityException.user_id.in_(user_ids), AvailabilityException.available.is_(False)
        )
    ):
        result[exc.user_id][1].add(exc.day)
    return result


def fits(availability: tuple[list, set], shift: Shift) -> bool:
    slots, away = availability
    start, end = to_local(shift.starts_at), to_local(shift.ends_at)
    if start.date() in away:
        return False
    if not slots:
        return True  # no weekly pattern given: any time fits
    return any(
        s.weekday == start.weekday() and s.start_time <= start.time() and end.time() <= s.end_time
        for s in slots
    )


def update_slot(slot: Availability, user_id: int, weekday: int, start: dt.time, end: dt.time) -> Availability:
    """Change one of the volunteer's own weekly slots."""
    if slot.user_id != user_id:
        raise PatrolError("not_yours")
    if not 0 <= weekday <= 6 or not start < end:
        raise PatrolError("bad_slot")
    slot.weekday, slot.start_time, slot.end_time = weekday, start, end
    db.session.flush()
    return slot


def delete_slot(slot: Availability, user_id: int) -> None:
    if slot.user_id != user_id:
        raise PatrolError("not_yours")
    db.session.delete(slot)
    db.session.flush()


def move_away(away: AvailabilityException, user_id: int, day: dt.date) -> AvailabilityException:
    """Change the date of one of the volunteer's own days away."""
    if away.user_id != user_id:
        raise PatrolError("not_yours")
    taken = db.session.scalar(
        sa.select(AvailabilityException.id).where(
            AvailabilityException.user_id == user_id,
            AvailabilityException.day == day,
            AvailabilityException.id != away.id,
        )
    )
    if taken is not None:
        raise PatrolError("already_away")
    away.day = day
    db.session.flush()
    return away


def delete_away(away: AvailabilityException, user_id: int) -> None:
    if away.user_id != user_id:
        raise PatrolError("not_yours")
    db.session.delete(away)
    db.session.flush()
