"""The duty rota: lawyers' weekly hours on duty, their days off, who is on duty now, the response
target of a question that comes in now, and the week's coverage with its gaps."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import current_app

from tipboard.extensions import db
from tipboard.legal.errors import LegalError
from tipboard.legal.models import DutyException, DutyHours
from tipboard.partners.models import Organisation, OrganisationKind
from tipboard.partners.services import organisations_of
from tipboard.permissions import Role
from tipboard.timezones import from_local, to_local

DAYS = range(7)
HOURS = range(24)


def law_firms_of(user) -> list[Organisation]:
    return organisations_of(user, OrganisationKind.LAW_FIRM)


def firm_of(user) -> Organisation | None:
    firms = law_firms_of(user)
    return firms[0] if firms else None


def is_lawyer(user) -> bool:
    return bool(user.has_role(Role.LAWYER) and law_firms_of(user))


def add_duty_hours(
    user, organisation: Organisation, weekday: int, start_hour: int, end_hour: int
) -> DutyHours:
    if not is_lawyer(user) or not organisation.has_member(user):
        raise LegalError("not_a_lawyer")
    if not (0 <= weekday <= 6 and 0 <= start_hour < end_hour <= 24):
        raise LegalError("bad_hours")
    row = DutyHours(
        user_id=user.id,
        organisation_id=organisation.id,
        weekday=weekday,
        start_hour=start_hour,
        end_hour=end_hour,
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove_duty_hours(user, row_id: int) -> bool:
    return (
        db.session.execute(
            sa.delete(DutyHours)
            .where(DutyHours.id == row_id, DutyHours.user_id == user.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def add_day_off(user, day: dt.date, note: str | None = None) -> DutyException:
    if not is_lawyer(user):
        raise LegalError("not_a_lawyer")
    existing = db.session.scalar(
        sa.select(DutyException).where(DutyException.user_id == user.id, DutyException.day == day)
    )
    if existing is not None:
        return existing
    row = DutyException(user_id=user.id, day=day, note=(note or "").strip() or None)
    db.session.add(row)
    db.session.flush()
    return row


def remove_day_off(user, row_id: int) -> bool:
    return (
        db.session.execute(
            sa.delete(DutyException)
            .where(DutyException.id == row_id, DutyException.user_id == user.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def duty_of(user) -> tuple[list[DutyHours], list[DutyException]]:
    hours = db.session.scalars(
        sa.select(DutyHours)
        .where(DutyHours.user_id == user.id)
        .order_by(DutyHours.weekday, DutyHours.start_hour)
    ).all()
    days_off = db.session.scalars(
        sa.select(DutyException).where(DutyException.user_id == user.id).order_by(DutyException.day)
    ).all()
    return list(hours), list(days_off)


def on_duty(now: dt.datetime) -> list[DutyHours]:
    """The duty rows covering ``now`` (naive UTC), of lawyers not off that day and still members of
    an active firm; one row per lawyer."""
    local = to_local(now)
    off = sa.select(DutyException.user_id).where(DutyException.day == local.date())
    rows = db.session.scalars(
        sa.select(DutyHours)
        .join(Organisation, Organisation.id == DutyHours.organisation_id)
        .where(
            DutyHours.weekday == local.weekday(),
            DutyHours.start_hour <= local.hour,
            DutyHours.end_hour > local.hour,
            Organisation.active.is_(True),
            DutyHours.user_id.not_in(off),
        )
        .order_by(DutyHours.id)
    ).all()
    seen, result = set(), []
    for row in rows:
        if row.user_id not in seen and row.user.active and row.organisation.has_member(row.user):
            seen.add(row.user_id)
            result.append(row)
    return result


def response_target(now: dt.datetime) -> dt.datetime:
    """When a question asked at ``now`` (naive UTC) should have its first answer: a few hours
    later by day, the next morning's start of the day at night (station time)."""
    start, end = current_app.config["LEGAL_DAY_HOURS"]
    local = to_local(now)
    if start <= local.hour < end:
        return now + dt.timedelta(hours=current_app.config["LEGAL_DAY_TARGET_HOURS"])
    morning = local.replace(hour=start, minute=0, second=0, microsecond=0, tzinfo=None)
    if local.hour >= end:
        morning += dt.timedelta(days=1)
    return from_local(morning)


@dataclasses.dataclass
class Coverage:
    """The week as 7 x 24 cells, each the (lawyer, firm) names on duty then; empty cells are gaps."""

    cells: dict[tuple[int, int], list[tuple[str, str]]]
    gaps: list[tuple[int, int, int]]  # (weekday, from hour, to hour)

    def at(self, weekday: int, hour: int) -> list[tuple[str, str]]:
        return self.cells.get((weekday, hour), [])


def coverage() -> Coverage:
    rows = db.session.scalars(
        sa.select(DutyHours)
        .join(Organisation, Organisation.id == DutyHours.organisation_id)
        .where(Organisation.active.is_(True))
        .order_by(DutyHours.weekday, DutyHours.start_hour)
    ).all()
    cells: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for row in rows:
        for hour in range(row.start_hour, row.end_hour):
            entry = (row.user.name, row.organisation.name)
            if entry not in cells.setdefault((row.weekday, hour), []):
                cells[(row.weekday, hour)].append(entry)
    gaps = []
    for day in DAYS:
        start = None
        for hour in [*HOURS, 24]:
            empty = hour < 24 and not cells.get((day, hour))
            if empty and start is None:
                start = hour
            elif not empty and start is not None:
                gaps.append((day, start, hour))
                start = None
    return Coverage(cells=cells, gaps=gaps)
