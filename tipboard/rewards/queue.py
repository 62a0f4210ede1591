"""Reward proposals and award nominations as kinds of the moderation queue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from tipboard.events import tip_status_changed, tip_verified
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.registry import ActionOutcome, ActionRefused, QueueAction, QueueKind, register_kind
from tipboard.moderation.services import enqueue, item_for, subjects_by_id, summarise
from tipboard.permissions import STAFF, SUPERVISORS
from tipboard.rewards import services
from tipboard.rewards.forms import (
    AcceptNominationForm,
    AmountForm,
    ApproveForm,
    DeclineForm,
    RejectRewardForm,
)
from tipboard.rewards.messages import refusal
from tipboard.rewards.models import Nomination, Reward, RewardKind, RewardStatus
from tipboard.templating import money_text
from tipboard.tips.models import TipStatus

KIND_LABELS = {
    RewardKind.HAZARD.value: _l("Grid red envelope"),
    RewardKind.COURAGE.value: _l("Act of courage award"),
    RewardKind.GOOD_NEIGHBOUR.value: _l("Good neighbour award"),
}


def _nomination_summary(nomination: Nomination) -> str:
    return f"{KIND_LABELS[nomination.kind]} · {nomination.nominee_name}"


def _summary(reward: Reward) -> str:
    subject = reward.tip.tracking_code if reward.tip else reward.nomination.nominee_name
    return f"{KIND_LABELS[reward.kind]} {money_text(reward.amount_fen)} · {subject}"


def enqueue_reward(reward: Reward, actor=None) -> None:
    enqueue(
        "reward",
        reward.id,
        subject=reward,
        priority=5,
        category_id=reward.tip.category_id if reward.tip else None,
        grid_id=reward.tip.grid_id if reward.tip else None,
        actor=actor,
    )


def short_of_approvers(reward: Reward) -> str | None:
    """A warning when the station has too few supervisors left who may approve the reward."""
    missing = services.approvers_missing(reward)
    if not missing:
        return None
    return str(
        _l(
            "Not enough supervisors can approve this: it needs %(num)d more who neither proposed nor "
            "changed the amount. Ask an administrator to give another person the supervisor role.",
            num=missing,
        )
    )


def _state(reward: Reward) -> dict:
    return {"status": reward.status, "amount_fen": reward.amount_fen, "budget_id": reward.budget_id}


def _approve(ctx) -> ActionOutcome:
    reward: Reward = ctx.subject
    before = _state(reward)
    try:
        seen = ctx.data.get("amount_version")
        result = services.approve(
            reward,
            ctx.actor,
            ctx.data.get("idempotency_key") or ctx.idempotency_key,
            seen_version=int(seen) if seen else None,
        )
    except services.RewardError as exc:
        raise ActionRefused(refusal(exc)) from exc
    messages = {
        "approved": _l("Approved: the amount is reserved from the budget."),
        "needs_second": _l("Your approval is recorded. A second supervisor must approve this amount."),
        "repeat": _l("This request was already handled."),
    }
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value if result == "approved" else ItemStatus.OPEN.value,
        before=before,
        after={**_state(reward), "result": result},
        message=str(messages[result]),
    )


def _reject(ctx) -> ActionOutcome:
    reward: Reward = ctx.subject
    before = _state(reward)
    try:
        services.reject(
            reward,
            ctx.actor,
            ctx.data.get("idempotency_key") or ctx.idempotency_key,
            ctx.data.get("reason", ""),
        )
    except services.RewardError as exc:
        raise ActionRefused(refusal(exc)) from exc
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value,
        before=before,
        after=_state(reward),
        reason=ctx.data.get("reason"),
    )


def _change_amount(ctx) -> ActionOutcome:
    reward: Reward = ctx.subject
    try:
        old, new = services.change_amount(
            reward, ctx.data.get("amount") or 0, ctx.data.get("reason", ""), ctx.actor
        )
    except services.RewardError as exc:
        raise ActionRefused(refusal(exc)) from exc
    summarise(ctx.item, reward)  # the line shows the amount
    return ActionOutcome(
        item_status=ItemStatus.OPEN.value,
        before={"amount_fen": old},
        after={"amount_fen": new, "amount_version": reward.amount_version},
        reason=ctx.data.get("reason"),
        message=short_of_approvers(reward),
    )


def _proposed(reward: Reward, _user) -> bool:
    return reward.status_enum == RewardStatus.PROPOSED


register_kind(
    QueueKind(
        name="reward",
        label=_l("Reward"),
        load=lambda i: db.session.get(Reward, i),
        load_many=lambda ids: subjects_by_id(
            Reward, ids, selectinload(Reward.tip), selectinload(Reward.nomination)
        ),
        template="rewards/kinds/reward.html",
        view_roles=STAFF,
        summary=_summary,
        actions=[
            QueueAction(
                name="approve",
                label=_l("Approve"),
                handler=_approve,
                roles=SUPERVISORS,
                form=ApproveForm,
                available=services.may_approve,
            ),
            QueueAction(
                name="change_amount",
                label=_l("Change the amount"),
                handler=_change_amount,
                roles=STAFF,
                form=AmountForm,
                available=_proposed,
            ),
            QueueAction(
                name="reject",
                label=_l("Reject"),
                handler=_reject,
                roles=SUPERVISORS,
                form=RejectRewardForm,
                available=_proposed,
                danger=True,
            ),
        ],
    )
)


def _accept(ctx) -> ActionOutcome:
    nomination: Nomination = ctx.subject
    try:
        reward = services.propose_award(nomination, ctx.data.get("amount") or 0, ctx.actor)
    except services.RewardError as exc:
        raise ActionRefused(refusal(exc)) from exc
    enqueue_reward(reward, ctx.actor)
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value,
        before={"status": "open"},
        after={"status": "accepted", "reward_id": reward.id, "amount_fen": reward.amount_fen},
        message=short_of_approvers(reward),
    )


def _nomination_open(nomination: Nomination, _user) -> bool:
    return nomination.status == "open"


def _decline(ctx) -> ActionOutcome:
    nomination: Nomination = ctx.subject
    nomination.status = "declined"
    db.session.flush()
    return ActionOutcome(
        item_status=ItemStatus.CLOSED.value,
        before={"status": "open"},
        after={"status": "declined"},
        reason=ctx.data.get("reason"),
    )


register_kind(
    QueueKind(
        name="nomination",
        label=_l("Award nomination"),
        load=lambda i: db.session.get(Nomination, i),
        load_many=lambda ids: subjects_by_id(Nomination, ids),
        template="rewards/kinds/nomination.html",
        view_roles=STAFF,
        summary=_nomination_summary,
        actions=[
            QueueAction(
                name="accept",
                label=_l("Propose an award"),
                handler=_accept,
                roles=STAFF,
                form=AcceptNominationForm,
                available=_nomination_open,
            ),
            QueueAction(
                name="decline",
                label=_l("Decline"),
                handler=_decline,
                roles=STAFF,
                form=DeclineForm,
                available=_nomination_open,
                danger=True,
            ),
        ],
    )
)


@tip_verified.connect
def propose_on_verify(tip, actor=None, **_kwargs) -> None:
    """A verified tip in a rewarded category gets a proposed reward in the queue."""
    reward = services.propose_for_tip(tip, actor)
    if reward is not None:
        enqueue_reward(reward, actor)


@tip_status_changed.connect
def cancel_when_not_valid(tip, actor=None, new=None, **_kwargs) -> None:
    """A tip found to be a duplicate or rejected loses its reward that is not paid yet."""
    if new not in (TipStatus.DUPLICATE, TipStatus.REJECTED):
        return
    reward = services.reward_for_tip(tip.id)
    if reward is None or reward.status_enum not in (RewardStatus.PROPOSED, RewardStatus.APPROVED):
        return
    services.cancel(reward, actor, f"tip {new.value}")
    item = item_for("reward", reward.id)
    if item is not None:
        item.status = ItemStatus.CLOSED.value
    db.session.flush()
