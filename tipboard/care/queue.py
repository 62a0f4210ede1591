"""The overdue care visit in the moderation queue. Its line names no one: the file itself is opened
from the item, where its own access rule applies; logging the visit closes the item."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from tipboard.care import services
from tipboard.care.models import CarePerson
from tipboard.extensions import db
from tipboard.forms import Form
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.registry import ActionOutcome, QueueAction, QueueKind, register_kind
from tipboard.moderation.services import subjects_by_id
from tipboard.permissions import STAFF


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(), Length(max=2000)], render_kw={"rows": 2}
    )


def summary(person: CarePerson) -> str:
    grid = person.grid.name if person.grid else ""
    return f"{person.kind_label} · {grid} · #{person.id} · {person.next_visit_on.isoformat()}"


def dismiss(ctx) -> ActionOutcome:
    """Not a visit (the person is in hospital, away ...): the item closes with the reason."""
    return ActionOutcome(item_status=ItemStatus.CLOSED.value, reason=ctx.data["reason"].strip())


register_kind(
    QueueKind(
        name=services.KIND,
        label=services.OVERDUE_LABEL,
        load=lambda i: db.session.get(CarePerson, i),
        load_many=lambda ids: subjects_by_id(CarePerson, ids),
        template="care/kinds/overdue.html",
        view_roles=STAFF,
        summary=summary,
        actions=[
            QueueAction(
                name="dismiss",
                label=_l("Close without a visit"),
                handler=dismiss,
                roles=STAFF,
                form=ReasonForm,
            )
        ],
    )
)
