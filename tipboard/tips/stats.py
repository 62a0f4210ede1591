"""Figures about tips for the station's overview (首问必答: response times, satisfaction)."""

from __future__ import annotations

import datetime as dt
import statistics

import sqlalchemy as sa

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.timezones import to_local
from tipboard.tips.models import OPEN_STATUSES, Category, FollowUp, Tip, TipStatus


def _median_hours(pairs) -> float | None:
    hours = [(end - start).total_seconds() / 3600 for start, end in pairs if start and end]
    return round(statistics.median(hours), 1) if hours else None


def overview(now: dt.datetime | None = None, weeks: int = 8) -> dict:
    now = now or utcnow()
    local_midnight = to_local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today_utc = local_midnight.astimezone(dt.UTC).replace(tzinfo=None)
    month_ago = now - dt.timedelta(days=30)
    count = lambda *conds: db.session.scalar(sa.select(sa.func.count()).select_from(Tip).where(*conds))  # noqa: E731
    recent = db.session.execute(
        sa.select(Tip.created_at, Tip.first_response_at, Tip.resolved_at).where(Tip.created_at >= month_ago)
    ).all()
    answered = db.session.execute(
        sa.select(FollowUp.fixed, FollowUp.satisfaction).where(
            FollowUp.answered_at.is_not(None), FollowUp.answered_at >= month_ago
        )
    ).all()
    asked = db.session.scalar(
        sa.select(sa.func.count()).select_from(FollowUp).where(FollowUp.asked_at >= month_ago)
    )
    resolved_30 = count(Tip.resolved_at >= month_ago)
    return {
        "new_today": count(Tip.created_at >= today_utc),
        "waiting": count(Tip.status.in_([s.value for s in OPEN_STATUSES])),
        "needs_info": count(Tip.status == TipStatus.NEEDS_INFO.value),
        "median_first_response_h": _median_hours((c, f) for c, f, _r in recent),
        "median_resolution_h": _median_hours((c, r) for c, _f, r in recent),
        "satisfaction_pct": round(100 * sum(1 for _f, s in answered if s and s >= 4) / len(answered))
        if answered
        else None,
        "followups_asked": asked,
        "followups_answered": len(answered),
        "reopen_pct": round(100 * sum(1 for f, _s in answered if f is False) / resolved_30)
        if resolved_30
        else None,
        "per_category_week": per_category_week(now, weeks),
    }


def per_category_week(now: dt.datetime, weeks: int) -> dict:
    """{"weeks": [monday dates], "series": [(category name, [count per week])]}"""
    start = (now - dt.timedelta(days=now.weekday(), weeks=weeks - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    rows = db.session.execute(sa.select(Tip.category_id, Tip.created_at).where(Tip.created_at >= start)).all()
    week_starts = [(start + dt.timedelta(weeks=i)).date() for i in range(weeks)]
    counts: dict[int, list[int]] = {}
    for category_id, created in rows:
        index = min((created - start).days // 7, weeks - 1)
        counts.setdefault(category_id, [0] * weeks)[index] += 1
    names = {c.id: c.name for c in db.session.scalars(sa.select(Category).where(Category.id.in_(counts)))}
    return {
        "weeks": week_starts,
        "series": sorted(((names[c], v) for c, v in counts.items()), key=lambda s: -sum(s[1])),
    }
