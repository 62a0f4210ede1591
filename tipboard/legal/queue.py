"""Legal questions past their response target, as a kind of the moderation queue. Supervisors
see them (a question is theirs to see); closing the item records that the station followed up."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from tipboard.extensions import db
from tipboard.forms import Form
from tipboard.legal.models import LegalQuestion
from tipboard.legal.overdue import OVERDUE_KIND
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.registry import ActionOutcome, QueueAction, QueueKind, register_kind
from tipboard.moderation.services import subjects_by_id
from tipboard.permissions import SUPERVISORS
from tipboard.timezones import to_local


class NoteForm(Form):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


def _summary(question: LegalQuestion) -> str:
    # The topic and the target only: the question's words stay on its own page.
    return str(
        _l(
            "%(topic)s, due %(due)s",
            topic=question.topic_label,
            due=f"{to_local(question.due_at):%m-%d %H:%M}",
        )
    )


def _handled(ctx) -> ActionOutcome:
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value,
        before={"status": ctx.subject.status},
        after={"status": ctx.subject.status},
        reason=ctx.data.get("note"),
    )


register_kind(
    QueueKind(
        name=OVERDUE_KIND,
        label=_l("Legal question past its target"),
        load=lambda i: db.session.get(LegalQuestion, i),
        load_many=lambda ids: subjects_by_id(LegalQuestion, ids),
        template="legal/kinds/overdue.html",
        view_roles=SUPERVISORS,
        summary=_summary,
        actions=[
            QueueAction(
                name="handled", label=_l("Followed up"), handler=_handled, roles=SUPERVISORS, form=NoteForm
            )
        ],
    )
)
