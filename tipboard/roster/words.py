"""The roster in the reader's words: why a patrol has nobody, and the broken rules of a refused
edit, with the names of the shifts and people instead of their numbers."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.patrols.models import Shift
from tipboard.roster.explain import GapReason
from tipboard.roster.validate import Rule, Violation
from tipboard.timezones import to_local

GAP_TEXT = {
    GapReason.NOBODY_AVAILABLE.value: _l("Nobody in the area is free then."),
    GapReason.NO_LEADER.value: _l("No leader is free then."),
    GapReason.TOO_FEW.value: _l("Fewer people are free than the shift needs."),
    GapReason.LEADER_AT_MAX.value: _l(
        "The only leader free then already has as many shifts this week as their weekly maximum."
    ),
    GapReason.LEADER_SAME_DAY.value: _l("The only leader free then is already on another shift that day."),
    GapReason.LEADER_REST.value: _l(
        "The only leader free then would not rest long enough between this and another of their shifts."
    ),
    GapReason.LEADER_AT_HOURS.value: _l(
        "The only leader free then has no hours left this week for a shift this long."
    ),
    GapReason.LEADER_DAYS_IN_ROW.value: _l(
        "The only leader free then would patrol more days in a row than the station allows."
    ),
    GapReason.LEADERS_BUSY.value: _l(
        "Every leader free then is at their weekly maximum of shifts or hours, already on a shift that "
        "day, needs rest, or has patrolled too many days in a row."
    ),
    GapReason.EVERYONE_BUSY.value: _l(
        "A leader is free, but too few of the others free then can take another shift: they are at "
        "their weekly maximum of shifts or hours, already on a shift that day, need rest, or have "
        "patrolled too many days in a row."
    ),
    GapReason.ONLY_NEW.value: _l(
        "Only new volunteers are free then, and a new volunteer goes out with an experienced one."
    ),
    GapReason.NOT_WORTH_IT.value: _l("People were needed more at busier places and times."),
}
ERRORS = {
    "not_draft": _l("Only a draft can be changed."),
    "violates": _l("That breaks a rule of the roster: %(detail)s"),
    "nobody_chosen": _l("Choose the people for this patrol: a leader and enough members."),
    "no_gap": _l("That patrol is not a gap of this roster."),
}


def describe(problems: list[Violation]) -> str:
    """The broken rules of a refused edit as sentences in the reader's language, with the names of
    the shifts and people instead of their numbers."""
    shift_ids = {p.shift_id for p in problems} | {p.other_shift_id for p in problems}
    shift_ids.discard(None)
    person_ids = {p.person_id for p in problems if p.person_id is not None}
    shifts = (
        {
            s.id: s
            for s in db.session.scalars(
                sa.select(Shift).options(joinedload(Shift.point)).where(Shift.id.in_(shift_ids))
            )
        }
        if shift_ids
        else {}
    )
    names = (
        dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(person_ids))).all())
        if person_ids
        else {}
    )

    def shift_text(shift_id):
        shift = shifts.get(shift_id)
        if shift is None:
            return _("shift %(number)s", number=shift_id)
        return _(
            "%(place)s (%(when)s)",
            place=shift.title or shift.point.name,
            when=format_datetime(to_local(shift.starts_at), "short"),
        )

    sentences = []
    for p in problems:
        v = {
            "shift": shift_text(p.shift_id),
            "person": names.get(p.person_id) or _("volunteer %(number)s", number=p.person_id),
        }
        if p.rule == Rule.NOT_OPEN:
            text = _("%(shift)s is not open in this roster: it is already staffed or not in this week.", **v)
        elif p.rule == Rule.STAFFING:
            text = ngettext(
                "%(shift)s would have %(num)d person from the roster; it needs %(low)d to %(high)d.",
                "%(shift)s would have %(num)d people from the roster; it needs %(low)d to %(high)d.",
                p.count,
                low=p.low,
                high=p.high,
                **v,
            )
        elif p.rule == Rule.NO_LEADER:
            text = _("%(shift)s would have no leader on it.", **v)
        elif p.rule == Rule.NO_TEAM:
            text = _("%(person)s is in no team that patrols %(shift)s.", **v)
        elif p.rule == Rule.UNAVAILABLE:
            text = _(
                "%(person)s cannot take %(shift)s: not free then, outside their team's area, "
                "or already on a shift that day.",
                **v,
            )
        elif p.rule == Rule.WEEKLY_MAX:
            text = ngettext(
                "%(person)s would have %(num)d shift this week; their weekly maximum is %(max)d.",
                "%(person)s would have %(num)d shifts this week; their weekly maximum is %(max)d.",
                p.count,
                max=p.high,
                **v,
            )
        elif p.rule == Rule.ONE_A_DAY:
            text = _(
                "%(person)s would have %(num)d shifts on %(day)s; one a day is the most.",
                num=p.count,
                day=format_date(p.day, "full"),
                **v,
            )
        elif p.rule == Rule.LATE:
            text = _("%(person)s asked not to have late shifts, and %(shift)s is one.", **v)
        elif p.rule == Rule.WEEKLY_HOURS:
            text = _(
                "%(person)s would patrol %(num)d hours this week; they give at most %(max)d.",
                num=p.count,
                max=p.high,
                **v,
            )
        elif p.rule == Rule.DAYS_IN_ROW:
            text = _(
                "%(person)s would patrol %(num)d days in a row; the station allows at most %(max)d.",
                num=p.count,
                max=p.high,
                **v,
            )
        elif p.rule == Rule.NEW_ALONE:
            text = _("%(person)s is new and would be on %(shift)s without an experienced volunteer.", **v)
        else:  # Rule.REST
            text = _(
                "%(person)s would not rest long enough between %(shift)s and %(other)s.",
                other=shift_text(p.other_shift_id),
                **v,
            )
        sentences.append(text)
    locale = get_locale()
    return ("" if locale and locale.language == "zh" else " ").join(sentences)  # "。" needs no space after it
