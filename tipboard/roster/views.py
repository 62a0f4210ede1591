"""Leaders and staff: see the draft as a week grid per point and per person, edit, publish."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.forms import Form
from tipboard.ids import db_id
from tipboard.nav import register_nav
from tipboard.patrols.models import PatrolPoint, Shift
from tipboard.patrols.shifts import can_lead_shift, led_team_ids, points_led_by
from tipboard.permissions import LEADERS, STAFF, roles_required
from tipboard.roster import bp, build
from tipboard.roster.explain import GapReason
from tipboard.roster.instance import leads
from tipboard.roster.models import RosterRun
from tipboard.roster.repair import candidates
from tipboard.roster.validate import Rule, Violation
from tipboard.timezones import to_local

register_nav("roster.index", _l("Roster"), roles=LEADERS, order=55)

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
    GapReason.LEADERS_BUSY.value: _l(
        "Every leader free then is at their weekly maximum, already on a shift that day, or needs rest."
    ),
    GapReason.EVERYONE_BUSY.value: _l(
        "A leader is free, but too few of the others free then can take another shift: they are at "
        "their weekly maximum, already on a shift that day, or need rest."
    ),
    GapReason.NOT_WORTH_IT.value: _l("People were needed more at busier places and times."),
}
ERRORS = {
    "not_draft": _l("Only a draft can be changed."),
    "violates": _l("That breaks a rule of the roster: %(detail)s"),
    "nobody_chosen": _l("Choose the people for this patrol: a leader and enough members."),
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
        else:  # Rule.REST
            text = _(
                "%(person)s would not rest long enough between %(shift)s and %(other)s.",
                other=shift_text(p.other_shift_id),
                **v,
            )
        sentences.append(text)
    locale = get_locale()
    return ("" if locale and locale.language == "zh" else " ").join(sentences)  # "。" needs no space after it


class ActionForm(Form):
    pass


@bp.get("/")
@roles_required(*LEADERS)
def index():
    runs = db.session.scalars(
        sa.select(RosterRun).order_by(RosterRun.week.desc(), RosterRun.id.desc()).limit(30)
    ).all()
    return render_template(
        "roster/index.html",
        runs=runs,
        form=ActionForm(),
        next_week=build.next_week(),
        whole_station=current_user.has_role(*STAFF),
    )


# Building, rebuilding and publishing change the whole station's roster: station staff only. A
# leader sees and edits the draft for their own teams' points.
@bp.post("/build")
@roles_required(*STAFF)
def build_now():
    if ActionForm().validate_on_submit():
        run = build.build_week(build.next_week(), current_user)
        if run is None:  # not a refusal: nothing was built, and the request ends as it would
            flash(
                _("Next week's roster was already built. Open it to rebuild the draft on purpose."), "error"
            )
            return redirect(url_for("roster.index"))
        return redirect(url_for("roster.run", run_id=run.id))
    return redirect(url_for("roster.index"))


def _run(run_id: int) -> RosterRun:
    return db.session.get(RosterRun, run_id) or abort(404)


@bp.get("/<int:run_id>")
@roles_required(*LEADERS)
def run(run_id: int):
    entry = _run(run_id)
    whole_station = current_user.has_role(*STAFF)
    # A leader sees the patrols of their own teams' points and picks from their own teams' people.
    led_points = set(db.session.scalars(sa.select(PatrolPoint.id).where(points_led_by(current_user))))
    assignments = [a for a in entry.assignments if a.shift.point_id in led_points]
    gaps = [g for g in entry.gaps if g.shift.point_id in led_points]
    by_point, by_person = defaultdict(lambda: defaultdict(list)), defaultdict(list)
    days = sorted(
        {to_local(a.shift.starts_at).date() for a in assignments}
        | {to_local(g.shift.starts_at).date() for g in gaps}
    )
    for a in sorted(assignments, key=lambda a: a.shift.starts_at):
        by_point[a.shift.point.name][to_local(a.shift.starts_at).date()].append(a)
        by_person[a.user.name].append(a)
    return render_template(
        "roster/run.html",
        run=entry,
        by_point=by_point,
        by_person=dict(sorted(by_person.items())),
        days=days,
        gaps=gaps,
        gap_text=GAP_TEXT,
        form=ActionForm(),
        choices=_choices(entry, gaps, None if whole_station else set(led_team_ids(current_user))),
        whole_station=whole_station,
    )


def _choices(entry: RosterRun, gaps, teams: set[int] | None) -> dict[int, dict]:
    """For each gap of a draft: how many people it needs from the roster ("low" to "high") and the
    people who could fill it now (of the leader's own teams), each with whether they would lead it,
    leaders first."""
    if entry.state != "draft" or not gaps:
        return {}
    instance, _shifts = build.instance_for_week(entry.week)
    current = build.assignments_of(entry)
    slots = {s.id: s for s in instance.slots}
    found = {}
    for gap in gaps:
        slot = slots.get(gap.shift_id)
        if slot is None:
            continue
        found[slot] = [
            (p.id, leads(p, slot))
            for p in candidates(instance, current, slot.id)
            if teams is None or p.team_ids & teams
        ]
    ids = {person_id for people in found.values() for person_id, _lead in people}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    return {
        slot.id: {
            "low": slot.min_people,
            "high": slot.max_people,
            "people": sorted(((users[i], lead) for i, lead in people), key=lambda c: (not c[1], c[0].name)),
        }
        for slot, people in found.items()
    }


@bp.post("/<int:run_id>/edit")
@roles_required(*LEADERS)
def edit(run_id: int):
    entry = _run(run_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        shift_id, user_id = db_id(request.form["shift_id"]), db_id(request.form["user_id"])
    except (KeyError, ValueError):
        abort(400)
    shift = db.session.get(Shift, shift_id) or abort(404)
    if not can_lead_shift(current_user, shift):
        abort(403)  # a leader edits the patrols of their own team's area only
    try:
        build.edit(entry, shift_id, user_id, request.form.get("op") == "add", current_user)
    except build.RosterError as exc:
        refuse(str(ERRORS[exc.code]) % {"detail": describe(exc.problems)})
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/fill")
@roles_required(*LEADERS)
def fill(run_id: int):
    """Fill a gap with the people chosen for it together, checked as a whole."""
    entry = _run(run_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        shift_id = db_id(request.form["shift_id"])
        user_ids = {db_id(v) for v in request.form.getlist("user_id")}
    except (KeyError, ValueError):
        abort(400)
    shift = db.session.get(Shift, shift_id) or abort(404)
    if not can_lead_shift(current_user, shift):
        abort(403)  # a leader fills the patrols of their own team's area only
    if not user_ids:
        refuse(str(ERRORS["nobody_chosen"]))
        return redirect(url_for("roster.run", run_id=entry.id))
    try:
        build.fill(entry, shift_id, user_ids, current_user)
    except build.RosterError as exc:
        refuse(str(ERRORS[exc.code]) % {"detail": describe(exc.problems)})
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/rebuild")
@roles_required(*STAFF)
def rebuild(run_id: int):
    entry = _run(run_id)
    if ActionForm().validate_on_submit():
        try:
            new = build.rebuild_draft(entry, current_user)
        except build.RosterError as exc:
            refuse(str(ERRORS[exc.code]))
            return redirect(url_for("roster.run", run_id=entry.id))
        return redirect(url_for("roster.run", run_id=new.id))
    return redirect(url_for("roster.run", run_id=entry.id))


@bp.post("/<int:run_id>/publish")
@roles_required(*STAFF)
def publish(run_id: int):
    entry = _run(run_id)
    if ActionForm().validate_on_submit():
        try:
            told = build.publish(entry, current_user)
        except build.RosterError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Published: %(n)d volunteers were told.", n=told), "success")
    return redirect(url_for("roster.run", run_id=entry.id))
