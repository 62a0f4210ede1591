"""What a volunteer has done lately, for the roster's fairness and for the volunteer's own page:
shifts, hours, nights (late shifts) and weekends over the last four weeks, and completed shifts."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app

from tipboard.extensions import db
from tipboard.patrols.models import Shift, SignUp, SignUpStatus, TeamMember
from tipboard.timezones import to_local


def is_late(starts_at: dt.datetime, ends_at: dt.datetime, late_hour: int) -> bool:
    """A shift that ends after ``late_hour`` station time, or after midnight."""
    start, end = to_local(starts_at), to_local(ends_at)
    return end.date() > start.date() or end.time() > dt.time(late_hour)


def recent_load(week_start: dt.datetime) -> tuple[dict, dict, dict]:
    """Confirmed shifts per person in the four weeks before ``week_start``: all, late, weekend."""
    rows = db.session.execute(
        sa.select(SignUp.user_id, Shift.starts_at, Shift.ends_at)
        .join(Shift)
        .where(
            SignUp.status == SignUpStatus.CONFIRMED.value,
            Shift.starts_at >= week_start - dt.timedelta(weeks=4),
            Shift.starts_at < week_start,
        )
    ).all()
    late_hour = current_app.config["ROSTER_LATE_HOUR"]
    shifts, nights, weekends = defaultdict(int), defaultdict(int), defaultdict(int)
    for user_id, starts_at, ends_at in rows:
        shifts[user_id] += 1
        nights[user_id] += is_late(starts_at, ends_at, late_hour)
        weekends[user_id] += to_local(starts_at).weekday() >= 5
    return dict(shifts), dict(nights), dict(weekends)


def completed_shifts(user_ids) -> dict[int, int]:
    """Shifts each person turned up for (checked in, not a no-show), ever."""
    if not user_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(SignUp.user_id, sa.func.count())
            .where(
                SignUp.user_id.in_(list(user_ids)),
                SignUp.checked_in_at.is_not(None),
                SignUp.status != SignUpStatus.NO_SHOW.value,
            )
            .group_by(SignUp.user_id)
        ).all()
    )


def last_four_weeks(user_id: int, now: dt.datetime) -> dict:
    """The person's confirmed shifts, hours, nights and weekends in the four weeks before ``now``,
    next to the median of the people in their teams (themself included)."""
    team_ids = sa.select(TeamMember.team_id).where(TeamMember.user_id == user_id)
    mates = set(db.session.scalars(sa.select(TeamMember.user_id).where(TeamMember.team_id.in_(team_ids))))
    mates.add(user_id)
    rows = db.session.execute(
        sa.select(SignUp.user_id, Shift.starts_at, Shift.ends_at)
        .join(Shift)
        .where(
            SignUp.status == SignUpStatus.CONFIRMED.value,
            SignUp.user_id.in_(mates),
            Shift.starts_at >= now - dt.timedelta(weeks=4),
            Shift.starts_at < now,
        )
    ).all()
    late_hour = current_app.config["ROSTER_LATE_HOUR"]
    figures = {uid: {"shifts": 0, "hours": 0.0, "nights": 0, "weekends": 0} for uid in mates}
    for uid, starts_at, ends_at in rows:
        row = figures[uid]
        row["shifts"] += 1
        row["hours"] += (ends_at - starts_at).total_seconds() / 3600
        row["nights"] += is_late(starts_at, ends_at, late_hour)
        row["weekends"] += to_local(starts_at).weekday() >= 5
    mine = figures[user_id]
    return {
        key: {
            "mine": round(mine[key], 1),
            "median": round(statistics.median(f[key] for f in figures.values()), 1),
        }
        for key in ("shifts", "hours", "nights", "weekends")
    } | {"people": len(mates)}
