"""A case waiting for triage as a kind of the moderation queue: accept it and assign the people
who mediate it, refer it elsewhere, decline it, or flag a risk (threats, violence), which puts it
in front of the officers at once."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length

from tipboard.auth.models import User
from tipboard.disputes import services
from tipboard.disputes.forms import ReasonForm
from tipboard.disputes.intake import RISK_PRIORITY, DisputeError
from tipboard.disputes.messages import ERRORS, invitation_note
from tipboard.disputes.models import CaseStatus, DisputeCase, MemberRole
from tipboard.disputes.workflow import KIND, IllegalTransition
from tipboard.extensions import db
from tipboard.forms import Form, strip_text
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.registry import ActionOutcome, ActionRefused, QueueAction, QueueKind, register_kind
from tipboard.moderation.services import subjects_by_id
from tipboard.permissions import STAFF


def _choices(role: MemberRole) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in services.candidates(role)]


class AcceptForm(Form):
    lead = SelectField(_l("Lead mediator"), coerce=int, validators=[InputRequired()])
    mediators = SelectMultipleField(_l("Other mediators"), coerce=int)
    officers = SelectMultipleField(_l("Officers"), coerce=int)
    lawyers = SelectMultipleField(_l("Lawyers"), coerce=int)
    partners = SelectMultipleField(_l("Partner members"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead.choices = _choices(MemberRole.LEAD)
        self.mediators.choices = _choices(MemberRole.MEDIATOR)
        self.officers.choices = _choices(MemberRole.OFFICER)
        self.lawyers.choices = _choices(MemberRole.LAWYER)
        self.partners.choices = _choices(MemberRole.PARTNER)


class ReferForm(Form):
    where = SelectField(
        _l("Refer to"),
        choices=[
            ("court", _l("The people's court")),
            ("arbitration", _l("Arbitration")),
            ("labour", _l("The labour bureau")),
            ("consumer", _l("The consumer association")),
            ("other", _l("Another body")),
        ],
    )
    reason = TextAreaField(
        _l("Reason (sent to the applicant)"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=1000)],
    )


def _refused(exc: Exception) -> ActionRefused:
    if isinstance(exc, IllegalTransition):
        return ActionRefused(exc.message)
    return ActionRefused(str(ERRORS[exc.code]) % exc.params)


def _accept(ctx) -> ActionOutcome:
    case: DisputeCase = ctx.subject
    data = ctx.data
    lead = db.session.get(User, data.get("lead") or 0)
    others = [
        (db.session.get(User, uid), role)
        for field, role in (
            ("mediators", MemberRole.MEDIATOR),
            ("officers", MemberRole.OFFICER),
            ("lawyers", MemberRole.LAWYER),
            ("partners", MemberRole.PARTNER),
        )
        for uid in data.get(field) or []
    ]
    try:
        code = services.accept(case, lead, [(u, r) for u, r in others if u is not None], ctx.actor)
    except (DisputeError, IllegalTransition) as exc:
        raise _refused(exc) from None
    message = None
    if code is not None:
        message = _("Accepted. %(note)s", note=invitation_note(case, code))
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value,
        before={"status": CaseStatus.RECEIVED.value},
        after={"status": case.status, "lead": lead.id},
        message=message,
    )


def _close(kind: str):
    def handler(ctx) -> ActionOutcome:
        case: DisputeCase = ctx.subject
        reason = ctx.data.get("reason") or ""
        try:
            if kind == "refer":
                services.refer(case, f"{ctx.data.get('where')}: {reason}", ctx.actor)
            else:
                services.decline(case, reason, ctx.actor)
        except IllegalTransition as exc:
            raise _refused(exc) from None
        return ActionOutcome(
            item_status=ItemStatus.CLOSED.value,
            before={"status": CaseStatus.RECEIVED.value},
            after={"status": case.status},
            reason=reason,
        )

    return handler


def _flag_risk(ctx) -> ActionOutcome:
    ctx.subject.risk = True
    return ActionOutcome(
        item_status=ItemStatus.OPEN.value,
        after={"risk": True},
        reason=ctx.data.get("reason"),
        priority=RISK_PRIORITY,
    )


def _waiting(case: DisputeCase, _user) -> bool:
    return case.status == CaseStatus.RECEIVED.value


def _summary(case: DisputeCase) -> str:
    flag = "⚠ " if case.risk else ""
    return f"{flag}{case.code} · {case.kind_label}: {case.facts[:80]}"


register_kind(
    QueueKind(
        name=KIND,
        label=_l("Dispute"),
        load=lambda i: db.session.get(DisputeCase, i),
        load_many=lambda ids: subjects_by_id(DisputeCase, ids, selectinload(DisputeCase.parties)),
        template="disputes/kinds/case.html",
        view_roles=STAFF,
        summary=_summary,
        actions=[
            QueueAction(
                name="accept",
                label=_l("Accept and assign"),
                handler=_accept,
                roles=STAFF,
                form=AcceptForm,
                available=_waiting,
            ),
            QueueAction(
                name="refer",
                label=_l("Refer elsewhere"),
                handler=_close("refer"),
                roles=STAFF,
                form=ReferForm,
                available=_waiting,
            ),
            QueueAction(
                name="decline",
                label=_l("Decline"),
                handler=_close("decline"),
                roles=STAFF,
                form=ReasonForm,
                available=_waiting,
                danger=True,
            ),
            QueueAction(
                name="risk",
                label=_l("Flag a risk (threats, violence)"),
                handler=_flag_risk,
                roles=STAFF,
                form=ReasonForm,
                available=lambda case, _u: _waiting(case, _u) and not case.risk,
            ),
        ],
    )
)
