"""Figures for the station and for the firms' reports to the justice bureau: questions asked and
answered, time to the first answer (median and 90th percentile), answers within target, by firm
and lawyer; consultations held and hours given per firm, per month (station time)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.legal.models import Booking, BookingStatus, LegalQuestion, OfficeSlot
from tipboard.partners.models import Organisation
from tipboard.timezones import from_local


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first of ``month`` and of the next month at midnight station time, as naive UTC."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        from_local(dt.datetime.combine(first, dt.time())),
        from_local(dt.datetime.combine(following, dt.time())),
    )


def percentile(values: list[float], pct: float) -> float | None:
    """The nearest-rank percentile (90 → the value 90% of the values are at or below)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclasses.dataclass
class QuestionRow:
    label: str
    asked: int
    answered: int
    median_h: float | None
    p90_h: float | None
    within_target: int

    @property
    def within_pct(self) -> int | None:
        return round(100 * self.within_target / self.answered) if self.answered else None


def _row(label: str, rows) -> QuestionRow:
    hours = [(a - c).total_seconds() / 3600 for c, a, _d, *_ in rows if a is not None]
    p90 = percentile(hours, 90)
    return QuestionRow(
        label=label,
        asked=len(rows),
        answered=len(hours),
        median_h=round(statistics.median(hours), 1) if hours else None,
        p90_h=round(p90, 1) if p90 is not None else None,
        within_target=sum(1 for _c, a, d, *_ in rows if a is not None and a <= d),
    )


def question_figures(month: dt.date) -> dict[str, list[QuestionRow]]:
    start, end = month_bounds(month)
    rows = db.session.execute(
        sa.select(
            LegalQuestion.created_at,
            LegalQuestion.first_answer_at,
            LegalQuestion.due_at,
            LegalQuestion.first_firm_id,
            LegalQuestion.first_lawyer_id,
        ).where(LegalQuestion.created_at >= start, LegalQuestion.created_at < end)
    ).all()
    firms = dict(db.session.execute(sa.select(Organisation.id, Organisation.name)).all())
    lawyer_ids = {r.first_lawyer_id for r in rows if r.first_lawyer_id}
    lawyers = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(lawyer_ids))).all())
    by_firm = [
        _row(firms.get(fid, "?"), [r for r in rows if r.first_firm_id == fid])
        for fid in sorted({r.first_firm_id for r in rows if r.first_firm_id}, key=lambda i: firms.get(i, ""))
    ]
    by_lawyer = [
        _row(lawyers.get(uid, "?"), [r for r in rows if r.first_lawyer_id == uid])
        for uid in sorted(lawyer_ids, key=lambda i: lawyers.get(i, ""))
    ]
    return {"total": [_row("", rows)], "by_firm": by_firm, "by_lawyer": by_lawyer}


@dataclasses.dataclass
class ConsultationRow:
    firm: str
    held: int
    no_shows: int
    sittings: int
    hours: float
    outcomes: dict[str, int]


def consultation_figures(month: dt.date) -> list[ConsultationRow]:
    """Per firm: consultations held, no-shows, and the sittings (with at least one consultation
    held) and their hours."""
    start, end = month_bounds(month)
    rows = db.session.execute(
        sa.select(
            Organisation.name,
            OfficeSlot.id,
            OfficeSlot.starts_at,
            OfficeSlot.ends_at,
            Booking.status,
            Booking.outcome,
        )
        .join(OfficeSlot, OfficeSlot.id == Booking.slot_id)
        .join(Organisation, Organisation.id == OfficeSlot.organisation_id)
        .where(OfficeSlot.starts_at >= start, OfficeSlot.starts_at < end)
    ).all()
    result = []
    for firm in sorted({r.name for r in rows}):
        mine = [r for r in rows if r.name == firm]
        held = [r for r in mine if r.status == BookingStatus.HELD.value]
        sittings = {r.id: (r.ends_at - r.starts_at).total_seconds() / 3600 for r in held}
        outcomes: dict[str, int] = {}
        for r in held:
            outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        result.append(
            ConsultationRow(
                firm=firm,
                held=len(held),
                no_shows=sum(1 for r in mine if r.status == BookingStatus.NO_SHOW.value),
                sittings=len(sittings),
                hours=round(sum(sittings.values()), 1),
                outcomes=outcomes,
            )
        )
    return result
