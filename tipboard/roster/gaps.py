"""Gaps a leader keeps open on purpose: off the "to fill" list and the publish notices, undoable."""

from __future__ import annotations

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.roster.build import RosterError
from tipboard.roster.models import RosterGap, RosterRun


def to_fill(run: RosterRun) -> list[RosterGap]:
    """The gaps still to fill: those nobody kept open on purpose."""
    return [g for g in run.gaps if not g.kept_open]


def keep_open(run: RosterRun, gap_id: int, reason: str | None, actor) -> RosterGap:
    """A leader keeps a gap open on purpose (off the "to fill" list and the notices), on a draft."""
    gap = _draft_gap(run, gap_id)
    gap.kept_open, gap.kept_reason = True, (reason or "").strip() or None
    gap.kept_by_id, gap.kept_at = actor.id, utcnow()
    db.session.flush()
    return gap


def reopen(run: RosterRun, gap_id: int) -> RosterGap:
    """Undo :func:`keep_open`: the gap is back on the "to fill" list."""
    gap = _draft_gap(run, gap_id)
    gap.kept_open, gap.kept_reason, gap.kept_by_id, gap.kept_at = False, None, None, None
    db.session.flush()
    return gap


def _draft_gap(run: RosterRun, gap_id: int) -> RosterGap:
    if run.state != "draft":
        raise RosterError("not_draft")
    gap = next((g for g in run.gaps if g.id == gap_id), None)
    if gap is None:
        raise RosterError("no_gap")
    return gap
