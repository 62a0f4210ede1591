"""Money: funds, budgets, rules, rewards, approvals, the append-only ledger, payouts, claim codes.

Amounts are integer fen. A budget's ``remaining_fen`` moves only by conditional UPDATEs in the
same transaction as the ledger entry that explains it; the ledger is never updated or deleted.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tipboard.database import TimestampMixin, utcnow
from tipboard.extensions import db
from tipboard.geo import BilingualName


class RewardKind(enum.StrEnum):
    HAZARD = "hazard"  # grid red envelope (网格红包) for a verified hazard tip
    COURAGE = "courage"  # act of courage (见义勇为)
    GOOD_NEIGHBOUR = "good_neighbour"  # good neighbour award


class RewardStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # reserved from the budget, waiting to be collected
    PAID = "paid"
    REJECTED = "rejected"
    EXPIRED = "expired"  # not collected in time; the reservation went back to the budget
    CANCELLED = "cancelled"  # the tip turned out a duplicate or was rejected before approval


class LedgerKind(enum.StrEnum):
    RESERVE = "reserve"  # budget -> reserved
    PAY = "pay"  # reserved -> paid out
    RELEASE = "release"  # reserved -> budget (cancelled after approval)
    EXPIRE = "expire"  # reserved -> budget (not collected in time)


class Fund(BilingualName, db.Model):
    __tablename__ = "fund"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)  # "hazard", "courage", "good_neighbour"
    name_en: Mapped[str] = mapped_column(sa.String(100))
    name_zh: Mapped[str] = mapped_column(sa.String(100))


class Budget(TimestampMixin, db.Model):
    __tablename__ = "budget"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(sa.ForeignKey("fund.id"))
    period: Mapped[str] = mapped_column(sa.String(7))  # "2026-11" (a month) or "2026" (a year)
    amount_fen: Mapped[int]
    remaining_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")

    fund: Mapped[Fund] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("fund_id", "period"),
        sa.CheckConstraint("remaining_fen >= 0", name="not_overdrawn"),
        sa.CheckConstraint("remaining_fen <= amount_fen", name="remaining_within_amount"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_positive"),
    )


class RewardRule(db.Model):
    """Per category: whether verified tips earn a red envelope, and how much."""

    __tablename__ = "reward_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), unique=True)
    rewardable: Mapped[bool] = mapped_column(default=True)
    min_fen: Mapped[int]
    max_fen: Mapped[int]
    default_fen: Mapped[int]

    category = relationship("Category", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("0 < min_fen AND min_fen <= default_fen AND default_fen <= max_fen", name="range"),
    )


class Nomination(TimestampMixin, db.Model):
    """A person put forward for an act-of-courage or good-neighbour award."""

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    nominee_name: Mapped[str] = mapped_column(sa.String(100))
    nominee_contact: Mapped[str | None] = mapped_column(sa.String(100))
    story: Mapped[str] = mapped_column(sa.Text)
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    # The nominator's tick only says they asked; the nominee says yes themselves with their consent code.
    public_consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(20), default="open")  # open, accepted, declined
    consent_code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    consented_at: Mapped[dt.datetime | None]  # the nominee agreed to be named on the honour board

    nominated_by = relationship("User")

    # An index, not a constraint: SQLite adds it without rebuilding a table that rewards point at.
    __table_args__ = (sa.Index("uq_nomination_consent_code_hash", "consent_code_hash", unique=True),)


_LIVE = "status != 'cancelled'"  # the rewards of a tip that count: all but those cancelled with it


class Reward(TimestampMixin, db.Model):
    __tablename__ = "reward"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # At most one live reward per tip: the partial unique index below makes a second one impossible
    # while the first is not cancelled (a tip rejected and later verified again gets a new proposal;
    # one already paid keeps the tip from ever getting another).
    tip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tip.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(sa.ForeignKey("nomination.id"), unique=True)
    fund_id: Mapped[int] = mapped_column(sa.ForeignKey("fund.id"))
    budget_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget.id"))
    amount_fen: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    status: Mapped[str] = mapped_column(sa.String(20), default=RewardStatus.PROPOSED.value, index=True)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    approvals_needed: Mapped[int] = mapped_column(default=1)
    approved_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    collect_method: Mapped[str | None] = mapped_column(sa.String(20))  # the named resident's choice
    # Bumped by every change of the amount: only approvals of the current version count.
    amount_version: Mapped[int] = mapped_column(default=0, server_default="0")

    tip = relationship("Tip")
    nomination = relationship("Nomination")
    fund: Mapped[Fund] = relationship(lazy="joined")
    budget = relationship("Budget")
    proposed_by = relationship("User")
    approvals: Mapped[list[Approval]] = relationship(back_populates="reward", order_by="Approval.id")
    amount_changes: Mapped[list[AmountChange]] = relationship(order_by="AmountChange.id")
    payout: Mapped[Payout | None] = relationship(back_populates="reward", uselist=False)

    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint("kind != 'hazard' OR tip_id IS NOT NULL", name="hazard_has_tip"),
        sa.CheckConstraint("kind = 'hazard' OR nomination_id IS NOT NULL", name="award_has_nomination"),
        sa.Index(
            "uq_reward_live_tip_id",
            "tip_id",
            unique=True,
            sqlite_where=sa.text(_LIVE),
            postgresql_where=sa.text(_LIVE),
        ),
    )

    @property
    def status_enum(self) -> RewardStatus:
        return RewardStatus(self.status)


class Approval(db.Model):
    """One supervisor's decision. The idempotency key makes a retried or doubled request a no-op."""

    __tablename__ = "reward_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"), index=True)
    approver_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    decision: Mapped[str] = mapped_column(sa.String(10))  # "approve" or "reject"
    reason: Mapped[str | None] = mapped_column(sa.Text)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount_version: Mapped[int] = mapped_column(default=0, server_default="0")  # the amount decided on
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    reward: Mapped[Reward] = relationship(back_populates="approvals")
    approver = relationship("User")

    __table_args__ = (sa.UniqueConstraint("reward_id", "approver_id", "amount_version"),)


class AmountChange(db.Model):
    """Who changed a proposed reward's amount, from what, to what, and why. Whoever set an amount
    (the proposer, or anyone here) is a maker of it and never approves it."""

    __tablename__ = "reward_amount_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    old_fen: Mapped[int]
    new_fen: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    changed_by = relationship("User")


class LedgerEntry(db.Model):
    """Append-only. Each reward is reserved, paid, released or expired at most once each."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    amount_fen: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(sa.String(200))

    budget = relationship("Budget")
    reward = relationship("Reward")

    __table_args__ = (
        sa.UniqueConstraint("reward_id", "kind"),
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
    )


class Payout(db.Model):
    """The money left the station: once per reward (unique, NOT NULL)."""

    __tablename__ = "payout"

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"), unique=True)
    method: Mapped[str] = mapped_column(sa.String(20))  # cash, bank, wallet
    reference: Mapped[str | None] = mapped_column(sa.String(100))
    paid_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    paid_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    reward: Mapped[Reward] = relationship(back_populates="payout")
    paid_by = relationship("User")


class ClaimCode(db.Model):
    """A one-time code an anonymous tipster shows at the station. Only its hash is stored."""

    __tablename__ = "claim_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    reward = relationship("Reward")


class LedgerIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_ledger_changes(session, _flush_context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, LedgerEntry):
            raise LedgerIsAppendOnly("ledger entries are never changed or deleted")
