"""The referral kind of the moderation queue, and the tip kind's "refer to a partner" action.

A referral's item waits on the partner while it is open and is the station's again when the partner
reports it done: confirm (the tip is resolved), send back, or withdraw.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tipboard.extensions import db
from tipboard.forms import Form
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.registry import (
    ActionOutcome,
    ActionRefused,
    QueueAction,
    QueueKind,
    get_kind,
    register_kind,
)
from tipboard.moderation.services import subjects_by_id
from tipboard.partners import referrals
from tipboard.partners.models import Organisation, Referral, ReferralStatus
from tipboard.partners.services import active_organisations
from tipboard.permissions import STAFF
from tipboard.timezones import local_now
from tipboard.tips import queue as tip_queue  # noqa: F401  (the tip kind is registered first)
from tipboard.tips.workflow import KIND as TIP_KIND
from tipboard.tips.workflow import TipAction, allowed

REFUSALS = {
    "empty_note": _l("Say what the partner is asked to do."),
    "inactive": _l("That organisation is no longer active."),
    "tip_not_open": _l("Only a verified report that is still open can be referred."),
    "due_in_past": _l("The due date has passed."),
    "already_referred": _l("This report is already with that organisation."),
    "not_done": _l("The partner has not reported this done (or it was already decided)."),
    "not_live": _l("This referral is already closed."),
}


class ReferForm(Form):
    organisation = SelectField(_l("Partner organisation"), validators=[InputRequired()])
    note = TextAreaField(
        _l("What the partner is asked to do (they see this and the report's description)"),
        validators=[InputRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    due_on = DateField(_l("Due by"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [(str(o.id), o.name) for o in active_organisations()]
        if not self.due_on.data and not self.is_submitted():
            self.due_on.data = local_now().date() + dt.timedelta(days=3)


class ConfirmForm(Form):
    note = TextAreaField(
        _l("Public resolution note (empty: the partner's own words)"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 2},
    )


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(), Length(max=2000)], render_kw={"rows": 2}
    )


def _refused(exc: referrals.ReferralError) -> ActionRefused:
    return ActionRefused(str(REFUSALS.get(exc.code, _l("That action is not possible now."))))


def refer(ctx) -> ActionOutcome:
    tip = ctx.subject
    org = db.session.get(Organisation, int(ctx.data["organisation"]))
    if org is None:
        raise ActionRefused(str(REFUSALS["inactive"]))
    try:
        referral = referrals.refer(tip, org, ctx.data["note"], ctx.data["due_on"], ctx.actor)
    except referrals.ReferralError as exc:
        raise _refused(exc) from exc
    return ActionOutcome(
        item_status=ItemStatus.WAITING.value,
        before={"status": tip.status},
        after={"referral_id": referral.id, "organisation_id": org.id, "due_on": referral.due_on.isoformat()},
        reason=referral.note,
    )


def _decide(service, status_after: str):
    def handler(ctx) -> ActionOutcome:
        referral: Referral = ctx.subject
        before = {"status": referral.status}
        text = ctx.data.get("note") if "note" in ctx.data else ctx.data.get("reason")
        try:
            service(referral, ctx.actor, text or "")
        except referrals.ReferralError as exc:
            raise _refused(exc) from exc
        return ActionOutcome(
            item_status=status_after,
            before=before,
            after={"status": referral.status, "tip_status": referral.tip.status},
            reason=text or None,
            due_at=referrals.due_at(referral.due_on) if status_after == ItemStatus.WAITING.value else None,
        )

    return handler


def _when(*statuses: ReferralStatus):
    return lambda referral, _user: referral.status in {s.value for s in statuses}


def summary(referral: Referral) -> str:
    return f"{referral.organisation.name} · {referral.tip.category.name}: {referral.note[:100]}"


register_kind(
    QueueKind(
        name=referrals.KIND,
        label=_l("Referral to a partner"),
        load=lambda i: db.session.get(Referral, i),
        load_many=lambda ids: subjects_by_id(Referral, ids),  # tip and organisation come joined
        template="partners/kinds/referral.html",
        view_roles=STAFF,
        summary=summary,
        actions=[
            QueueAction(
                name="confirm",
                label=_l("Confirm it is done"),
                handler=_decide(referrals.confirm, ItemStatus.CLOSED.value),
                roles=STAFF,
                form=ConfirmForm,
                available=_when(ReferralStatus.DONE),
            ),
            QueueAction(
                name="send_back",
                label=_l("Send back to the partner"),
                handler=_decide(referrals.send_back, ItemStatus.WAITING.value),
                roles=STAFF,
                form=ReasonForm,
                available=_when(ReferralStatus.DONE),
            ),
            QueueAction(
                name="withdraw",
                label=_l("Withdraw the referral"),
                handler=_decide(referrals.withdraw, ItemStatus.CLOSED.value),
                roles=STAFF,
                form=ReasonForm,
                available=_when(ReferralStatus.OPEN, ReferralStatus.DONE),
                danger=True,
            ),
        ],
    )
)

# The tip's own item gets one more action: refer it to a partner (its item then waits on them).
_tip_kind = get_kind(TIP_KIND)
if _tip_kind.action("refer") is None:
    _tip_kind.actions.append(
        QueueAction(
            name="refer",
            label=_l("Refer to a partner"),
            handler=refer,
            roles=STAFF,
            form=ReferForm,
            available=lambda tip, _user: allowed(TipAction.RESOLVE, tip.status_enum),
        )
    )
