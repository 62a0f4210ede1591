"""Rewards: propose, approve (maker-checker, within budget, once), pay once, expire.

Services flush and never commit. Money moves only through ``_reserve``/``_return`` (one
conditional UPDATE on the budget each) together with the ledger entry that explains it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from tipboard.auth.models import User, UserRole
from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.moderation.services import enqueue
from tipboard.outbox import notify
from tipboard.permissions import STAFF, SUPERVISORS
from tipboard.rewards.models import (
    AmountChange,
    Approval,
    Budget,
    ClaimCode,
    Fund,
    LedgerEntry,
    LedgerKind,
    Nomination,
    Payout,
    Reward,
    RewardKind,
    RewardRule,
    RewardStatus,
)
from tipboard.templating import money_text
from tipboard.timezones import to_local
from tipboard.tips.models import Tip

log = logging.getLogger("tipboard.rewards")

PAY_METHODS = ("cash", "bank", "wallet")
CLAIM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


class RewardError(Refusal):
    """A refusal of the reward services (messages: rewards.messages)."""


# --- rules and proposals -------------------------------------------------------------------------


def rule_for(category_id: int) -> RewardRule | None:
    return db.session.scalar(sa.select(RewardRule).where(RewardRule.category_id == category_id))


def save_rule(category_id: int, rewardable: bool, min_fen: int, default_fen: int, max_fen: int) -> RewardRule:
    """Set a category's red-envelope rule (made on its first save)."""
    if not 0 < min_fen <= default_fen <= max_fen:
        raise RewardError("bad_range")
    rule = rule_for(category_id) or RewardRule(category_id=category_id)
    rule.rewardable, rule.min_fen, rule.default_fen, rule.max_fen = rewardable, min_fen, default_fen, max_fen
    db.session.add(rule)
    db.session.flush()
    return rule


def fund(code: str) -> Fund:
    found = db.session.scalar(sa.select(Fund).where(Fund.code == code))
    if found is None:
        raise RewardError("no_fund")
    return found


def reward_for_tip(tip_id: int) -> Reward | None:
    """The tip's latest reward (an earlier one can only be one cancelled with the tip's rejection)."""
    return db.session.scalar(
        sa.select(Reward).where(Reward.tip_id == tip_id).order_by(Reward.id.desc()).limit(1)
    )


def approvals_needed(amount_fen: int) -> int:
    return 2 if amount_fen > current_app.config["REWARD_TWO_APPROVER_THRESHOLD_FEN"] else 1


def propose_for_tip(tip, actor) -> Reward | None:
    """A verified tip of a rewardable category gets a proposal with the rule's default amount.

    Only the first valid tip about a hazard is rewarded: duplicates never get one. A tip has at most
    one reward that is not cancelled (a partial unique index), so money moves at most once per tip;
    only when the earlier reward was cancelled because the tip was rejected does verifying it again
    propose a new one.
    """
    rule = rule_for(tip.category_id)
    if rule is None or not rule.rewardable or tip.duplicate_of_id is not None or actor is None:
        return None
    earlier = reward_for_tip(tip.id)
    if earlier is not None and earlier.status_enum != RewardStatus.CANCELLED:
        return None
    reward = Reward(
        kind=RewardKind.HAZARD.value,
        tip_id=tip.id,
        fund_id=fund(RewardKind.HAZARD.value).id,
        amount_fen=rule.default_fen,
        proposed_by_id=actor.id,
        approvals_needed=approvals_needed(rule.default_fen),
    )
    try:
        with db.session.begin_nested():
            db.session.add(reward)
    except IntegrityError:
        return None  # a concurrent verification proposed it first
    log.info("rewards.proposed reward=%s tip=%s amount=%s", reward.id, tip.id, reward.amount_fen)
    return reward


def propose_award(nomination: Nomination, amount_fen: int, actor) -> Reward:
    if amount_fen <= 0:
        raise RewardError("bad_amount")
    reward = Reward(
        kind=nomination.kind,
        nomination_id=nomination.id,
        fund_id=fund(nomination.kind).id,
        amount_fen=amount_fen,
        proposed_by_id=actor.id,
        approvals_needed=approvals_needed(amount_fen),
    )
    db.session.add(reward)
    nomination.status = "accepted"
    db.session.flush()
    return reward


def nominate(
    kind: str, nominee_name: str, nominee_contact: str | None, story: str, public_consent: bool, nominated_by
) -> Nomination:
    """Anyone signed in nominates for a good-neighbour award, staff also for courage; the nomination
    goes to the queue."""
    if kind == RewardKind.COURAGE.value and not nominated_by.has_role(*STAFF):
        raise RewardError("courage_by_staff")
    if kind not in (RewardKind.COURAGE.value, RewardKind.GOOD_NEIGHBOUR.value):
        raise RewardError("bad_kind")
    nomination = Nomination(
        kind=kind,
        nominee_name=nominee_name.strip(),
        nominee_contact=(nominee_contact or "").strip() or None,
        story=story.strip(),
        nominated_by_id=nominated_by.id,
        public_consent=public_consent,
    )
    db.session.add(nomination)
    db.session.flush()
    enqueue("nomination", nomination.id, subject=nomination, priority=3, actor=nominated_by)
    return nomination


def change_amount(reward: Reward, amount_fen: int, reason: str, actor) -> tuple[int, int]:
    """A new amount while the reward waits for approval. The actor becomes one of its makers, and
    approvals given to the earlier amount no longer count (a new amount version)."""
    _lock(reward)
    if reward.status_enum != RewardStatus.PROPOSED:
        raise RewardError("not_changeable")
    if not reason.strip():
        raise RewardError("reason_required")
    if reward.kind == RewardKind.HAZARD.value:
        rule = rule_for(reward.tip.category_id)
        if rule is None or not rule.min_fen <= amount_fen <= rule.max_fen:
            raise RewardError(
                "out_of_range", low=rule.min_fen if rule else 0, high=rule.max_fen if rule else 0
            )
    elif amount_fen <= 0:
        raise RewardError("bad_amount")
    old = reward.amount_fen
    db.session.add(
        AmountChange(
            reward_id=reward.id,
            changed_by_id=actor.id,
            old_fen=old,
            new_fen=amount_fen,
            reason=reason.strip(),
        )
    )
    reward.amount_fen = amount_fen
    reward.amount_version += 1
    reward.approvals_needed = approvals_needed(amount_fen)
    db.session.flush()
    return old, amount_fen


def create_budget(fund_id: int, period: str, amount_fen: int) -> Budget:
    """A fund's budget for a month or year; one per fund and period, even when two ask at once."""
    budget = Budget(fund_id=fund_id, period=period, amount_fen=amount_fen, remaining_fen=amount_fen)
    try:
        with db.session.begin_nested():
            db.session.add(budget)
    except IntegrityError as exc:
        raise RewardError("budget_exists") from exc
    return budget


def cancel(reward: Reward, actor, note: str) -> None:
    """The tip became a duplicate or was rejected: a proposal is cancelled, a reservation released."""
    if reward.status_enum == RewardStatus.PROPOSED:
        _set_status(reward, RewardStatus.PROPOSED, RewardStatus.CANCELLED)
    elif reward.status_enum == RewardStatus.APPROVED:
        _set_status(reward, RewardStatus.APPROVED, RewardStatus.CANCELLED)
        _return(reward, LedgerKind.RELEASE, actor, note)
        _revoke_codes(reward)


# --- approval ------------------------------------------------------------------------------------


def current_budget(fund_id: int, when: dt.datetime | None = None) -> Budget | None:
    """The month's budget of a fund if it has one, else the year's (station time)."""
    local = to_local(when or utcnow())
    return budget_for_month(fund_id, local.year, local.month)


def budget_for_month(fund_id: int, year: int, month: int) -> Budget | None:
    for period in (f"{year}-{month:02d}", f"{year}"):
        budget = db.session.scalar(
            sa.select(Budget).where(Budget.fund_id == fund_id, Budget.period == period)
        )
        if budget is not None:
            return budget
    return None


def makers(reward: Reward) -> set[int]:
    """The ids of everyone who set the reward's amount: its proposer and whoever changed it."""
    changed = db.session.scalars(
        sa.select(AmountChange.changed_by_id).where(AmountChange.reward_id == reward.id)
    )
    return {reward.proposed_by_id, *changed}


def _approvers_so_far(reward: Reward) -> set[int]:
    """Who approved the reward's current amount (approvals of an earlier amount do not count)."""
    return set(
        db.session.scalars(
            sa.select(Approval.approver_id).where(
                Approval.reward_id == reward.id,
                Approval.decision == "approve",
                Approval.amount_version == reward.amount_version,
            )
        )
    )


def why_not_approver(reward: Reward, user) -> str | None:
    """The refusal code if ``user`` may not approve the reward now; None if they may."""
    if not user.has_role(*SUPERVISORS):
        return "not_supervisor"
    if user.id == reward.proposed_by_id:
        return "own_proposal"
    if user.id in makers(reward):
        return "own_amount"
    if reward.tip is not None and reward.tip.reporter_id == user.id:
        return "own_reward"  # nobody approves money for themselves
    if reward.status_enum != RewardStatus.PROPOSED:
        return "already_decided"
    if user.id in _approvers_so_far(reward):
        return "already_approved_by_you"
    return None


def may_approve(reward: Reward, user) -> bool:
    return why_not_approver(reward, user) is None


def approvers_missing(reward: Reward) -> int:
    """How many more approvals the reward needs than the station has people left to give them
    (0: it can be approved). Counts active supervisors who are not makers, not the reporter and have
    not approved this amount yet."""
    given = _approvers_so_far(reward)
    barred = makers(reward) | given
    if reward.tip is not None and reward.tip.reporter_id is not None:
        barred.add(reward.tip.reporter_id)
    eligible = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(User.id)))
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.active.is_(True), UserRole.role.in_([r.value for r in SUPERVISORS]), User.id.not_in(barred)
        )
    )
    return max(0, reward.approvals_needed - len(given) - eligible)


def _lock(reward: Reward) -> None:
    """Decisions on one reward take turns (a row lock on PostgreSQL; SQLite writers queue anyway),
    so two supervisors approving together both count and neither is lost."""
    db.session.execute(sa.select(Reward.id).where(Reward.id == reward.id).with_for_update())
    db.session.refresh(reward)


def _set_status(reward: Reward, expected: RewardStatus, new: RewardStatus) -> None:
    """Move a reward's status only if it still is what we think: concurrent movers lose here."""
    moved = db.session.execute(
        sa.update(Reward)
        .where(Reward.id == reward.id, Reward.status == expected.value)
        .values(status=new.value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise RewardError("already_decided")
    db.session.refresh(reward)


def _reserve(reward: Reward, budget: Budget, actor) -> None:
    debited = db.session.execute(
        sa.update(Budget)
        .where(Budget.id == budget.id, Budget.remaining_fen >= reward.amount_fen)
        .values(remaining_fen=Budget.remaining_fen - reward.amount_fen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if debited != 1:
        raise RewardError("over_budget")
    db.session.add(
        LedgerEntry(
            budget_id=budget.id,
            reward_id=reward.id,
            kind=LedgerKind.RESERVE.value,
            amount_fen=reward.amount_fen,
            actor_id=actor.id if actor else None,
        )
    )
    reward.budget_id = budget.id
    db.session.flush()


def _return(reward: Reward, kind: LedgerKind, actor, note: str | None = None) -> None:
    db.session.execute(
        sa.update(Budget)
        .where(Budget.id == reward.budget_id)
        .values(remaining_fen=Budget.remaining_fen + reward.amount_fen)
        .execution_options(synchronize_session=False)
    )
    db.session.add(
        LedgerEntry(
            budget_id=reward.budget_id,
            reward_id=reward.id,
            kind=kind.value,
            amount_fen=reward.amount_fen,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )
    db.session.flush()


def _record_decision(reward: Reward, approver, decision: str, key: str, reason: str | None) -> bool:
    """Store one decision; False if this idempotency key was seen before (a retry)."""
    if not key or len(key) > 64:
        raise RewardError("no_key")
    if db.session.scalar(sa.select(Approval.id).where(Approval.idempotency_key == key)):
        return False
    if db.session.scalar(
        sa.select(Approval.id).where(
            Approval.reward_id == reward.id,
            Approval.approver_id == approver.id,
            Approval.amount_version == reward.amount_version,
        )
    ):
        raise RewardError("already_approved_by_you")
    try:
        with db.session.begin_nested():
            db.session.add(
                Approval(
                    reward_id=reward.id,
                    approver_id=approver.id,
                    decision=decision,
                    reason=reason,
                    idempotency_key=key,
                    amount_version=reward.amount_version,
                )
            )
    except IntegrityError:
        return False  # the same request, or the same approver, got there first
    return True


def approve(
    reward: Reward,
    approver,
    idempotency_key: str,
    now: dt.datetime | None = None,
    seen_version: int | None = None,
) -> str:
    """Returns "approved", "needs_second" or "repeat" (this request was already handled).
    ``seen_version``: the amount version the approver was shown; refused if it changed since."""
    now = now or utcnow()
    if not approver.has_role(*SUPERVISORS):
        raise RewardError("not_supervisor")
    _lock(reward)
    if db.session.scalar(sa.select(Approval.id).where(Approval.idempotency_key == idempotency_key)):
        return "repeat"  # this very request was handled before
    refused = why_not_approver(reward, approver)
    if refused is not None:
        raise RewardError(refused)
    if seen_version is not None and seen_version != reward.amount_version:
        raise RewardError("amount_changed")
    if not _record_decision(reward, approver, "approve", idempotency_key, None):
        return "repeat"
    if len(_approvers_so_far(reward)) < reward.approvals_needed:
        return "needs_second"
    budget = current_budget(reward.fund_id, now)
    if budget is None:
        raise RewardError("no_budget")
    _set_status(reward, RewardStatus.PROPOSED, RewardStatus.APPROVED)
    _reserve(reward, budget, approver)
    reward.approved_at = now
    reward.expires_at = now + dt.timedelta(days=current_app.config["REWARD_CLAIM_DAYS"])
    if reward.tip is not None and reward.tip.reporter is not None:
        notify(
            reward.tip.reporter,
            "rewards.approved",
            {"code": reward.tip.tracking_code, "amount": money_text(reward.amount_fen)},
        )
    db.session.flush()
    log.info("rewards.approved reward=%s amount=%s budget=%s", reward.id, reward.amount_fen, budget.id)
    return "approved"


def reject(reward: Reward, approver, idempotency_key: str, reason: str) -> str:
    if not approver.has_role(*SUPERVISORS):
        raise RewardError("not_supervisor")
    if not (reason or "").strip():
        raise RewardError("reason_required")
    _lock(reward)
    if reward.status_enum != RewardStatus.PROPOSED:
        raise RewardError("already_decided")
    if not _record_decision(reward, approver, "reject", idempotency_key, reason.strip()):
        return "repeat"
    _set_status(reward, RewardStatus.PROPOSED, RewardStatus.REJECTED)
    return "rejected"


# --- paying out ----------------------------------------------------------------------------------


def code_hash(code: str) -> str:
    """A claim or consent code as stored: hashed, case, dashes and spaces ignored."""
    return hashlib.sha256(code.upper().replace("-", "").replace(" ", "").encode()).hexdigest()


def _revoke_codes(reward: Reward, now: dt.datetime | None = None) -> None:
    """Every unused claim code of the reward stops working."""
    db.session.execute(
        sa.update(ClaimCode)
        .where(ClaimCode.reward_id == reward.id, ClaimCode.used_at.is_(None), ClaimCode.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def issue_claim_code(reward: Reward) -> str:
    """A new one-time code for an approved reward; any earlier unused code stops working."""
    if reward.status_enum != RewardStatus.APPROVED:
        raise RewardError("not_claimable")
    _revoke_codes(reward)
    raw = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(10))
    db.session.add(ClaimCode(reward_id=reward.id, code_hash=code_hash(raw)))
    db.session.flush()
    return f"{raw[:5]}-{raw[5:]}"


def find_claim(code: str) -> ClaimCode | None:
    return db.session.scalar(
        sa.select(ClaimCode).where(
            ClaimCode.code_hash == code_hash(code),
            ClaimCode.used_at.is_(None),
            ClaimCode.revoked_at.is_(None),
        )
    )


def reward_for_claim(code: str) -> Reward:
    """The reward a claim code (still valid) pays; RewardError("bad_code") otherwise."""
    claim = find_claim(code)
    if claim is None:
        raise RewardError("bad_code")
    return claim.reward


def choose_collect_method(reward: Reward, reporter, method: str) -> None:
    """The named reporter says how they want an approved reward paid (cash, bank, wallet)."""
    if reward.tip is None or not reward.tip.is_reporter(reporter):
        raise RewardError("not_yours")
    if reward.status_enum != RewardStatus.APPROVED:
        raise RewardError("not_claimable")
    if method not in PAY_METHODS:
        raise RewardError("bad_method")
    reward.collect_method = method
    db.session.flush()


def redeem(code: str, method: str, reference: str | None, staff) -> Reward:
    """Staff at the station take a claim code and pay. The code works once, even if two try at once."""
    claim = find_claim(code)
    if claim is None:
        raise RewardError("bad_code")
    used = db.session.execute(
        sa.update(ClaimCode)
        .where(ClaimCode.id == claim.id, ClaimCode.used_at.is_(None), ClaimCode.revoked_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        raise RewardError("bad_code")
    reward = db.session.get(Reward, claim.reward_id)
    _pay_out(reward, method, reference, staff)
    return reward


def pay(reward: Reward, method: str, reference: str | None, staff) -> Payout:
    """Staff pay a named person's reward. An anonymous tipster's is paid only against its claim code
    (:func:`redeem`): nobody at the desk knows who they are, so the code is the only proof."""
    if reward.tip is not None and reward.tip.anonymous:
        raise RewardError("claim_code_required")
    return _pay_out(reward, method, reference, staff)


def _pay_out(reward: Reward, method: str, reference: str | None, staff) -> Payout:
    if not staff.has_role(*STAFF):
        raise RewardError("not_staff")
    if method not in PAY_METHODS:
        raise RewardError("bad_method")
    if method != "cash" and not (reference or "").strip():
        raise RewardError("reference_required")
    _set_status(reward, RewardStatus.APPROVED, RewardStatus.PAID)
    payout = Payout(
        reward_id=reward.id, method=method, reference=(reference or "").strip() or None, paid_by_id=staff.id
    )
    db.session.add(payout)
    db.session.add(
        LedgerEntry(
            budget_id=reward.budget_id,
            reward_id=reward.id,
            kind=LedgerKind.PAY.value,
            amount_fen=reward.amount_fen,
            actor_id=staff.id,
            note=method,
        )
    )
    db.session.flush()
    log.info("rewards.paid reward=%s method=%s", reward.id, method)
    return payout


def expire_due(now: dt.datetime | None = None) -> list[Reward]:
    """Approved rewards not collected in time: the reservation goes back to the budget."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Reward)
        .where(Reward.status == RewardStatus.APPROVED.value, Reward.expires_at < now)
        .order_by(Reward.id)
    ).all()
    expired = []
    for reward in due:
        try:
            with db.session.begin_nested():
                _set_status(reward, RewardStatus.APPROVED, RewardStatus.EXPIRED)
                _return(reward, LedgerKind.EXPIRE, None, "not collected in time")
                _revoke_codes(reward, now)
        except RewardError:
            continue  # paid at the same moment: nothing to expire
        expired.append(reward)
    return expired


def rewards_of(user) -> list[Reward]:
    return list(
        db.session.scalars(
            sa.select(Reward)
            .join(Reward.tip)
            .options(contains_eager(Reward.tip))
            .where(Tip.reporter_id == user.id)
            .order_by(Reward.id.desc())
        )
    )
