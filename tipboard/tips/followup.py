"""The follow-up visit (回访): N days after a tip is resolved, ask its reporter whether it is fixed
and how satisfied they are. "Not fixed" reopens the tip into the queue."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.forms import Form
from tipboard.outbox import notify, register_message
from tipboard.tips.models import EventKind, EventVisibility, FollowUp, Tip, TipEvent, TipStatus
from tipboard.tips.panels import register_tracking_panel
from tipboard.tips.workflow import TipAction, transition

register_message(
    "tips.followup",
    _l("Is it fixed?"),
    _l("Your report %(code)s was resolved. Is it fixed, and how satisfied are you? Answer on its page."),
)


class FollowUpError(Refusal):
    """A follow-up answer that cannot be taken (none open, a satisfaction out of range)."""


def ask_due_followups(now: dt.datetime | None = None, days: int | None = None) -> int:
    """Ask every reporter whose tip was resolved ``days`` or more days ago and not asked yet."""
    now = now or utcnow()
    days = current_app.config["FOLLOWUP_DAYS"] if days is None else days
    cutoff = now - dt.timedelta(days=days)
    asked = sa.select(FollowUp.id).where(FollowUp.tip_id == Tip.id, FollowUp.resolved_at == Tip.resolved_at)
    due = db.session.scalars(
        sa.select(Tip)
        .where(Tip.status == TipStatus.RESOLVED.value, Tip.resolved_at <= cutoff, ~sa.exists(asked))
        .order_by(Tip.id)
    ).all()
    for tip in due:
        # The question itself shows as a panel on the tracking page until it is answered.
        db.session.add(FollowUp(tip_id=tip.id, resolved_at=tip.resolved_at, asked_at=now))
        if tip.reporter is not None:
            notify(tip.reporter, "tips.followup", {"code": tip.tracking_code})
    db.session.flush()
    return len(due)


def open_followup(tip: Tip) -> FollowUp | None:
    return db.session.scalar(
        sa.select(FollowUp)
        .where(FollowUp.tip_id == tip.id, FollowUp.answered_at.is_(None))
        .order_by(FollowUp.id.desc())
    )


def answer_followup(
    tip: Tip, *, fixed: bool, satisfaction: int, comment: str | None, now: dt.datetime | None = None
) -> FollowUp:
    followup = open_followup(tip)
    if followup is None:
        raise FollowUpError("no_open_followup")
    if not 1 <= satisfaction <= 5:
        raise FollowUpError("bad_satisfaction")
    followup.answered_at = now or utcnow()
    followup.fixed, followup.satisfaction = fixed, satisfaction
    followup.comment = (comment or "").strip() or None
    tip.events.append(
        TipEvent(
            kind=EventKind.ANSWER.value, visibility=EventVisibility.REPORTER.value, body=followup.comment
        )
    )
    if not fixed and tip.status_enum == TipStatus.RESOLVED:
        transition(tip, TipAction.REOPEN, None, internal_note=None)
    db.session.flush()
    return followup


# --- the reporter's side: a panel on the tracking page ------------------------------------------


class FollowUpForm(Form):
    fixed = RadioField(
        _l("Is it fixed?"),
        choices=[("yes", _l("Yes")), ("no", _l("No, not yet"))],
        validators=[InputRequired()],
    )
    satisfaction = RadioField(
        _l("How satisfied are you with how the station handled it?"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        validators=[InputRequired()],
    )
    comment = TextAreaField(
        _l("Anything to add? (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


def _panel(tip: Tip):
    followup = open_followup(tip)
    if followup is None:
        return None
    return render_template("tips/_followup.html", tip=tip, form=FollowUpForm(prefix="followup"))


register_tracking_panel(_panel, order=10)
