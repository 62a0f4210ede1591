"""Team applications, swap requests and patrol reports as kinds of the moderation queue."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from tipboard.extensions import db
from tipboard.forms import Form
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.registry import ActionOutcome, ActionRefused, QueueAction, QueueKind, register_kind
from tipboard.moderation.services import subjects_by_id
from tipboard.patrols import teams
from tipboard.patrols.errors import PatrolError
from tipboard.patrols.models import LEAD_ROLES, Shift, SignUp, SwapRequest, TeamApplication, TeamMember
from tipboard.patrols.shifts import can_lead_shift, complete_swap, decline_swap
from tipboard.permissions import LEADERS, STAFF


class NoteForm(Form):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


def _teams_led(user) -> list[int] | None:
    """Leaders see the items of the teams they lead (or deputise for); staff see all (None)."""
    if user.has_role(*STAFF):
        return None
    return list(
        db.session.scalars(
            sa.select(TeamMember.team_id).where(
                TeamMember.user_id == user.id, TeamMember.role.in_(LEAD_ROLES)
            )
        )
    )


def _decide(accept: bool):
    def handler(ctx) -> ActionOutcome:
        try:
            teams.decide_application(ctx.subject, accept)
        except PatrolError as exc:
            raise ActionRefused(str(_l("This application was already decided."))) from exc
        return ActionOutcome(
            item_status=ItemStatus.CLOSED.value,
            before={"status": "pending"},
            after={"status": ctx.subject.status},
            reason=ctx.data.get("note"),
        )

    return handler


def _pending(application: TeamApplication, _user) -> bool:
    return application.status == "pending"


def _application_summary(application: TeamApplication) -> str:
    return f"{application.user.name} → {application.team.name}"


register_kind(
    QueueKind(
        name="team_application",
        label=_l("Team application"),
        load=lambda i: db.session.get(TeamApplication, i),
        load_many=lambda ids: subjects_by_id(
            TeamApplication, ids, selectinload(TeamApplication.user), selectinload(TeamApplication.team)
        ),
        template="patrols/kinds/application.html",
        view_roles=LEADERS,
        team_scope=_teams_led,
        summary=_application_summary,
        actions=[
            QueueAction(
                name="accept",
                label=_l("Accept"),
                handler=_decide(True),
                roles=LEADERS,
                form=NoteForm,
                available=_pending,
            ),
            QueueAction(
                name="decline",
                label=_l("Decline"),
                handler=_decide(False),
                roles=LEADERS,
                form=NoteForm,
                available=_pending,
                danger=True,
            ),
        ],
    )
)


SWAP_REFUSALS = {
    "already_decided": _l("This swap was already decided."),
    "swap_closed": _l("The volunteer who offered the place is no longer on the shift."),
    "already_on_shift": _l("The person taking the swap is already on the shift."),
}


def _swap_decision(approve: bool):
    def handler(ctx) -> ActionOutcome:
        swap: SwapRequest = ctx.subject
        if swap.status != "pending_approval":
            raise ActionRefused(str(SWAP_REFUSALS["already_decided"]))
        if not can_lead_shift(ctx.actor, swap.signup.shift):
            raise ActionRefused(str(_l("Only the team's leaders decide on swaps.")))
        try:
            complete_swap(swap) if approve else decline_swap(swap)
        except PatrolError as exc:
            raise ActionRefused(str(SWAP_REFUSALS.get(exc.code, SWAP_REFUSALS["already_decided"]))) from None
        return ActionOutcome(
            item_status=ItemStatus.CLOSED.value,
            before={"status": "pending_approval"},
            after={"status": swap.status, "taken_by": swap.taken_by_id},
        )

    return handler


def _swap_summary(swap: SwapRequest) -> str:
    return f"{swap.signup.user.name} → {swap.taken_by.name if swap.taken_by else '?'}"


register_kind(
    QueueKind(
        name="swap_request",
        label=_l("Shift swap"),
        load=lambda i: db.session.get(SwapRequest, i),
        load_many=lambda ids: subjects_by_id(
            SwapRequest,
            ids,
            selectinload(SwapRequest.signup).selectinload(SignUp.user),
            selectinload(SwapRequest.taken_by),
        ),
        template="patrols/kinds/swap.html",
        view_roles=LEADERS,
        team_scope=_teams_led,
        summary=_swap_summary,
        actions=[
            QueueAction(
                name="approve", label=_l("Approve swap"), handler=_swap_decision(True), roles=LEADERS
            ),
            QueueAction(
                name="decline",
                label=_l("Decline swap"),
                handler=_swap_decision(False),
                roles=LEADERS,
                danger=True,
            ),
        ],
    )
)


def _read(ctx) -> ActionOutcome:
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value, after={"read": True}, reason=ctx.data.get("note")
    )


def _report_summary(shift: Shift) -> str:
    return f"{shift.title or shift.point.name}: {(shift.report or '')[:100]}"


register_kind(
    QueueKind(
        name="patrol_report",
        label=_l("Patrol report"),
        load=lambda i: db.session.get(Shift, i),
        load_many=lambda ids: subjects_by_id(Shift, ids),  # the point comes joined
        template="patrols/kinds/report.html",
        view_roles=STAFF,
        summary=_report_summary,
        actions=[
            QueueAction(name="read", label=_l("Mark as read"), handler=_read, roles=STAFF, form=NoteForm)
        ],
    )
)
