"""The venue points' periodic work: the daily tally (日统计), the weekly action list from thresholds
(周执行) and the monthly bulletin (月通报). Called by venues.jobs, each once per period."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.timezones import from_local
from tipboard.venues.models import ActionKind, Venue, VenueAction, VenueBulletin, VenueTally
from tipboard.venues.services import scores

#: Below each score, the action the weekly list proposes (each threshold crossed adds its own).
THRESHOLDS = ((90, ActionKind.TALK), (80, ActionKind.LAW_STUDY), (60, ActionKind.SUSPENSION))


class ActionError(Refusal):
    """A refusal of the action services (messages: venues.views.ERRORS)."""


def _active_ids() -> list[int]:
    return list(db.session.scalars(sa.select(Venue.id).where(Venue.active.is_(True))))


def daily_tally(day: dt.date) -> int:
    """Store each active venue's score at the end of ``day`` (once per venue and day)."""
    done = set(db.session.scalars(sa.select(VenueTally.venue_id).where(VenueTally.day == day)))
    count = 0
    for venue_id, score in scores(day, _active_ids()).items():
        if venue_id not in done:
            db.session.add(VenueTally(venue_id=venue_id, day=day, score=score))
            count += 1
    db.session.flush()
    return count


def weekly_actions(week: dt.date) -> int:
    """Propose this week's actions (``week``: its Monday) for each venue under a threshold."""
    existing = {
        (a.venue_id, a.kind)
        for a in db.session.scalars(sa.select(VenueAction).where(VenueAction.week == week))
    }
    count = 0
    for venue_id, score in scores(week - dt.timedelta(days=1), _active_ids()).items():
        for limit, kind in THRESHOLDS:
            if score < limit and (venue_id, kind.value) not in existing:
                db.session.add(VenueAction(venue_id=venue_id, week=week, kind=kind.value, score=score))
                count += 1
    db.session.flush()
    return count


def week_list(week: dt.date) -> list[VenueAction]:
    return list(
        db.session.scalars(
            sa.select(VenueAction).where(VenueAction.week == week).order_by(VenueAction.score, VenueAction.id)
        )
    )


def take_action(action: VenueAction, actor, note: str | None, now: dt.datetime | None = None) -> None:
    """Record the action as taken (once: a conditional UPDATE, so of two at once one wins)."""
    done = db.session.execute(
        sa.update(VenueAction)
        .where(VenueAction.id == action.id, VenueAction.taken_at.is_(None))
        .values(taken_at=now or utcnow(), taken_by_id=actor.id, note=(note or "").strip() or None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise ActionError("already_taken")
    db.session.refresh(action)


def build_bulletin(month: str) -> VenueBulletin | None:
    """The bulletin of ``month`` ("YYYY-MM"): every venue by score at the month's end, its change over
    the month, and the actions taken in it. None if that month's bulletin exists."""
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first + dt.timedelta(days=32)).replace(day=1)
    last = following - dt.timedelta(days=1)
    ids = _active_ids()
    at_end = scores(last, ids)
    before = scores(first - dt.timedelta(days=1), ids) if first.month != 1 else None
    venues = {v.id: v for v in db.session.scalars(sa.select(Venue).where(Venue.id.in_(ids)))}
    taken = {}
    for action in db.session.scalars(
        sa.select(VenueAction).where(
            VenueAction.taken_at >= from_local(dt.datetime.combine(first, dt.time())),
            VenueAction.taken_at < from_local(dt.datetime.combine(following, dt.time())),
        )
    ):
        taken.setdefault(action.venue_id, []).append(action.kind)
    rows = []
    for venue_id, score in sorted(at_end.items(), key=lambda pair: (pair[1], venues[pair[0]].name)):
        start = before[venue_id] if before is not None else venues[venue_id].base_score
        rows.append(
            {
                "venue_id": venue_id,
                "name": venues[venue_id].name,
                "category": venues[venue_id].category,
                "score": score,
                "change": score - start,
                "actions": sorted(taken.get(venue_id, [])),
            }
        )
    bulletin = VenueBulletin(month=month, rows=rows)
    try:
        with db.session.begin_nested():
            db.session.add(bulletin)
    except IntegrityError:
        return None
    return bulletin


def bulletins() -> list[VenueBulletin]:
    return list(db.session.scalars(sa.select(VenueBulletin).order_by(VenueBulletin.month.desc()).limit(24)))
