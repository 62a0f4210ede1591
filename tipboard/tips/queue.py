"""The tip kind of the moderation queue: its actions, forms and handlers. The queue itself knows none
of this; tips.workflow puts a tip's item in the queue and keeps it in step with the tip."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tipboard.auth.models import User
from tipboard.auth.services import active_staff
from tipboard.extensions import db
from tipboard.forms import Form
from tipboard.geo import grid_places
from tipboard.moderation.models import ResponseTemplate
from tipboard.moderation.registry import ActionOutcome, ActionRefused, QueueAction, QueueKind, register_kind
from tipboard.moderation.services import subjects_by_id
from tipboard.permissions import STAFF
from tipboard.tips.models import Tip
from tipboard.tips.services import normalise_code
from tipboard.tips.workflow import (
    KIND,
    IllegalTransition,
    TipAction,
    add_internal_note,
    allowed,
    due_for,
    item_status_for,
    priority_for,
    transition,
)

REJECT_REASONS = {
    "spam": _l("Spam or abuse"),
    "not_police": _l("Not a matter for the station (passed on to the right office)"),
    "no_detail": _l("Not enough detail to act on"),
    "not_found": _l("Checked on site: nothing found"),
    "other": _l("Other"),
}


# --- forms --------------------------------------------------------------------------------------


def _template_choices():
    rows = db.session.scalars(
        sa.select(ResponseTemplate).where(ResponseTemplate.active.is_(True)).order_by(ResponseTemplate.title)
    ).all()
    return [("", _l("(write my own)"))] + [(str(t.id), t.title) for t in rows]


class _TemplatedNoteForm(Form):
    template = SelectField(_l("Response template"), validators=[Optional()])
    note = TextAreaField(
        _l("Public note (the reporter and, once published, everyone see it)"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template.choices = _template_choices()


class VerifyForm(_TemplatedNoteForm):
    pass


class ResolveForm(_TemplatedNoteForm):
    pass


class RejectForm(Form):
    reason = SelectField(_l("Reason"), choices=list(REJECT_REASONS.items()), validators=[InputRequired()])
    detail = TextAreaField(
        _l("Explanation for the reporter"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class DuplicateForm(Form):
    original = StringField(
        _l("Tracking code of the earlier report"), validators=[InputRequired(), Length(max=20)]
    )


class AskForm(Form):
    question = TextAreaField(
        _l("Question for the reporter"), validators=[InputRequired(), Length(max=2000)], render_kw={"rows": 2}
    )


class AssignForm(Form):
    assignee = SelectField(_l("Officer"), validators=[Optional()])
    grid = SelectField(_l("Grid"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee.choices = [("", "—")] + [(str(user_id), name) for user_id, name in active_staff()]
        self.grid.choices = [("", "—")] + [
            (str(g.id), g.name) for g in sorted(grid_places(), key=lambda g: g.code)
        ]


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(), Length(max=2000)], render_kw={"rows": 2}
    )


class NoteForm(Form):
    note = TextAreaField(
        _l("Internal note (staff only)"),
        validators=[InputRequired(), Length(max=4000)],
        render_kw={"rows": 2},
    )


# --- handlers -----------------------------------------------------------------------------------


def _note_from(data: dict, tip: Tip) -> str | None:
    note = (data.get("note") or "").strip()
    if not note and data.get("template"):
        template = db.session.get(ResponseTemplate, int(data["template"]))
        note = template.body_for(tip.locale) if template else ""
    return note or None


def _move(ctx, action: TipAction, **notes) -> ActionOutcome:
    tip: Tip = ctx.subject
    before = {"status": tip.status, "assignee_id": tip.assignee_id, "grid_id": tip.grid_id}
    try:
        transition(tip, action, ctx.actor, **notes)
    except IllegalTransition as exc:
        raise ActionRefused(exc.message) from exc
    return ActionOutcome(
        item_status=item_status_for(tip.status_enum),
        before=before,
        after={"status": tip.status, "assignee_id": tip.assignee_id, "grid_id": tip.grid_id},
        priority=priority_for(tip),
        due_at=due_for(tip),
        assignee_id=tip.assignee_id,
        reason=notes.get("public_note") or notes.get("reporter_note") or notes.get("internal_note"),
    )


def verify(ctx):
    return _move(ctx, TipAction.VERIFY, public_note=_note_from(ctx.data, ctx.subject))


def resolve(ctx):
    note = _note_from(ctx.data, ctx.subject)
    if not note:
        raise ActionRefused(str(_l("Write a public resolution note, or choose a template.")))
    return _move(ctx, TipAction.RESOLVE, public_note=note)


def reject(ctx):
    label = str(REJECT_REASONS.get(ctx.data.get("reason"), REJECT_REASONS["other"]))
    detail = (ctx.data.get("detail") or "").strip()
    outcome = _move(ctx, TipAction.REJECT, reporter_note=f"{label}. {detail}".strip() if detail else label)
    outcome.reason = f"{ctx.data.get('reason')}: {detail}"
    return outcome


def duplicate(ctx):
    tip: Tip = ctx.subject
    original = db.session.scalar(
        sa.select(Tip).where(Tip.tracking_code == normalise_code(ctx.data["original"]))
    )
    if original is None or original.id == tip.id:
        raise ActionRefused(str(_l("No other report has that tracking code.")))
    seen = set()
    walker = original
    while walker is not None and walker.id not in seen:  # no cycles of duplicates
        if walker.id == tip.id:
            raise ActionRefused(str(_l("That report is itself a duplicate of this one.")))
        seen.add(walker.id)
        walker = walker.duplicate_of
    tip.duplicate_of = original
    outcome = _move(
        ctx,
        TipAction.DUPLICATE,
        reporter_note=str(
            _l("Someone reported the same matter earlier. You can follow that report here from now on.")
        ),
    )
    outcome.after["duplicate_of"] = original.id
    return outcome


def ask(ctx):
    return _move(ctx, TipAction.ASK, reporter_note=ctx.data["question"].strip())


def assign(ctx):
    tip: Tip = ctx.subject
    assignee_id = int(ctx.data["assignee"]) if ctx.data.get("assignee") else None
    grid_id = int(ctx.data["grid"]) if ctx.data.get("grid") else None
    if assignee_id is None and grid_id is None:
        raise ActionRefused(str(_l("Choose an officer or a grid.")))
    if assignee_id is not None:
        officer = db.session.get(User, assignee_id)
        if officer is None or not officer.has_role(*STAFF):
            raise ActionRefused(str(_l("Only station staff can be assigned.")))
    before = {"assignee_id": tip.assignee_id, "grid_id": tip.grid_id}
    tip.assignee_id = assignee_id or tip.assignee_id
    tip.grid_id = grid_id or tip.grid_id
    outcome = _move(ctx, TipAction.ASSIGN)
    outcome.before.update(before)
    item = ctx.item
    item.grid_id = tip.grid_id
    return outcome


def start(ctx):
    return _move(ctx, TipAction.START)


def reopen(ctx):
    return _move(ctx, TipAction.REOPEN, internal_note=ctx.data["reason"].strip())


def note(ctx):
    tip: Tip = ctx.subject
    add_internal_note(tip, ctx.actor, ctx.data["note"].strip())
    return ActionOutcome(item_status=ctx.item.status, after={"note": True}, reason=ctx.data["note"].strip())


def _can(action: TipAction):
    """Offered while the tip's state machine allows ``action``."""
    return lambda tip, _user: allowed(action, tip.status_enum)


def load_tip(tip_id: int) -> Tip | None:
    return db.session.get(Tip, tip_id)


def summary(tip: Tip) -> str:
    return f"{tip.category.name}: {tip.description[:120]}"


register_kind(
    QueueKind(
        name=KIND,
        label=_l("Tip"),
        load=load_tip,
        load_many=lambda ids: subjects_by_id(Tip, ids),  # the category comes joined
        template="moderation/kinds/tip.html",
        view_roles=STAFF,
        summary=summary,
        actions=[
            QueueAction(
                name="verify",
                label=_l("Verify and publish"),
                handler=verify,
                roles=STAFF,
                form=VerifyForm,
                available=_can(TipAction.VERIFY),
            ),
            QueueAction(
                name="ask",
                label=_l("Ask the reporter"),
                handler=ask,
                roles=STAFF,
                form=AskForm,
                available=_can(TipAction.ASK),
            ),
            QueueAction(
                name="assign",
                label=_l("Assign"),
                handler=assign,
                roles=STAFF,
                form=AssignForm,
                available=_can(TipAction.ASSIGN),
                bulk=True,
            ),
            QueueAction(
                name="start",
                label=_l("Start work"),
                handler=start,
                roles=STAFF,
                available=_can(TipAction.START),
            ),
            QueueAction(
                name="resolve",
                label=_l("Resolve"),
                handler=resolve,
                roles=STAFF,
                form=ResolveForm,
                available=_can(TipAction.RESOLVE),
            ),
            QueueAction(
                name="duplicate",
                label=_l("Mark as duplicate"),
                handler=duplicate,
                roles=STAFF,
                form=DuplicateForm,
                available=_can(TipAction.DUPLICATE),
            ),
            QueueAction(
                name="reject",
                label=_l("Reject"),
                handler=reject,
                roles=STAFF,
                form=RejectForm,
                available=_can(TipAction.REJECT),
                bulk=True,
                danger=True,
            ),
            QueueAction(
                name="reopen",
                label=_l("Reopen"),
                handler=reopen,
                roles=STAFF,
                form=ReasonForm,
                available=_can(TipAction.REOPEN),
            ),
            QueueAction(name="note", label=_l("Internal note"), handler=note, roles=STAFF, form=NoteForm),
        ],
    )
)
