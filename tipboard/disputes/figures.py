"""Figures: received, accepted, settled, settlement rate, median days to settle, and the share that
came back within 90 days, overall and by kind, grid, lead mediator and partner organisation.

"63 settled, none came back" is ``settled`` and ``came_back`` of a row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tipboard.disputes.models import CaseMember, DisputeCase, MemberRole
from tipboard.extensions import db

CAME_BACK_WINDOW = dt.timedelta(days=90)


@dataclasses.dataclass
class Row:
    label: str
    received: int = 0
    accepted: int = 0
    settled: int = 0
    came_back: int = 0
    days: list[float] = dataclasses.field(default_factory=list)

    @property
    def settlement_pct(self) -> int | None:
        return round(100 * self.settled / self.accepted) if self.accepted else None

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.days), 1) if self.days else None

    @property
    def came_back_pct(self) -> int | None:
        return round(100 * self.came_back / self.settled) if self.settled else None

    @property
    def settled_for_good(self) -> int:
        return self.settled - self.came_back

    def add(self, case: DisputeCase) -> None:
        self.received += 1
        if case.accepted_at is not None:
            self.accepted += 1
        if case.settled_at is not None:
            self.settled += 1
            self.days.append((case.settled_at - case.created_at).total_seconds() / 86400)
            if (
                case.came_back
                and case.came_back_at
                and case.came_back_at - case.settled_at <= CAME_BACK_WINDOW
            ):
                self.came_back += 1


@dataclasses.dataclass
class Figures:
    total: Row
    by: dict[str, list[Row]]


def figures(since: dt.datetime | None = None) -> Figures:
    query = sa.select(DisputeCase).options(
        selectinload(DisputeCase.members).selectinload(CaseMember.organisation)
    )
    if since is not None:
        query = query.where(DisputeCase.created_at >= since)
    total = Row("")
    groups: dict[str, dict[str, Row]] = defaultdict(dict)

    def bucket(group: str, label: str) -> Row:
        return groups[group].setdefault(label, Row(label))

    for case in db.session.scalars(query):
        total.add(case)
        bucket("kind", case.kind_label).add(case)
        bucket("grid", case.grid.name if case.grid is not None else "–").add(case)
        lead = case.lead
        bucket("mediator", lead.user.name if lead is not None else "–").add(case)
        for org in {
            m.organisation.name
            for m in case.members
            if m.organisation is not None and m.role != MemberRole.LEAD.value
        }:
            bucket("partner", org).add(case)
    by = {name: sorted(rows.values(), key=lambda r: (-r.received, r.label)) for name, rows in groups.items()}
    return Figures(total=total, by=by)
