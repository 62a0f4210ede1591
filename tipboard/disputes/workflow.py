"""The case's one state machine: which action may move a case from which status to which.

Every status change goes through :func:`transition`, which refuses an illegal one
(:class:`IllegalTransition`, with a message for the form), stamps the times the figures read and
writes the change into the case's audit trail.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from tipboard.database import utcnow
from tipboard.disputes.models import CaseStatus, DisputeCase
from tipboard.moderation.services import record

#: The case's kind in the moderation queue and in the audit trail.
KIND = "dispute"


class CaseAction(enum.StrEnum):
    ACCEPT = "accept"
    REFER = "refer"
    DECLINE = "decline"
    CONSENT = "consent"  # the other side agreed to mediation
    REFUSE = "refuse"  # the other side refused (or did not answer in time)
    DRAFT = "draft"  # the mediator put an agreement to the parties
    WITHDRAW = "withdraw"  # the draft goes back to mediation
    SETTLE = "settle"  # every party confirmed the agreement
    FAIL = "fail"  # mediation ended without agreement
    REOPEN = "reopen"  # the dispute came back (反弹)


S = CaseStatus

TRANSITIONS: dict[CaseAction, tuple[frozenset[CaseStatus], CaseStatus]] = {
    CaseAction.ACCEPT: (frozenset({S.RECEIVED}), S.ACCEPTED),
    CaseAction.REFER: (frozenset({S.RECEIVED}), S.REFERRED),
    CaseAction.DECLINE: (frozenset({S.RECEIVED}), S.DECLINED),
    CaseAction.CONSENT: (frozenset({S.ACCEPTED}), S.MEDIATING),
    CaseAction.REFUSE: (frozenset({S.ACCEPTED}), S.OTHER_DECLINED),
    CaseAction.DRAFT: (frozenset({S.MEDIATING, S.AGREEMENT}), S.AGREEMENT),
    CaseAction.WITHDRAW: (frozenset({S.AGREEMENT}), S.MEDIATING),
    CaseAction.SETTLE: (frozenset({S.AGREEMENT}), S.SETTLED),
    CaseAction.FAIL: (frozenset({S.MEDIATING, S.AGREEMENT}), S.FAILED),
    CaseAction.REOPEN: (frozenset({S.SETTLED}), S.MEDIATING),
}

CLOSED = frozenset({S.SETTLED, S.FAILED, S.REFERRED, S.DECLINED, S.OTHER_DECLINED})
#: Where the parties talk with the mediators.
ROOM_OPEN = frozenset({S.MEDIATING, S.AGREEMENT})

REFUSALS = {
    CaseAction.ACCEPT: _l("Only a case waiting for triage can be accepted."),
    CaseAction.REFER: _l("Only a case waiting for triage can be referred."),
    CaseAction.DECLINE: _l("Only a case waiting for triage can be declined."),
    CaseAction.CONSENT: _l("This case is not waiting for the other side's consent."),
    CaseAction.REFUSE: _l("This case is not waiting for the other side's consent."),
    CaseAction.DRAFT: _l("An agreement can be drafted only during mediation."),
    CaseAction.WITHDRAW: _l("There is no agreement waiting for confirmation."),
    CaseAction.SETTLE: _l("There is no agreement waiting for confirmation."),
    CaseAction.FAIL: _l("Only a case in mediation can end without agreement."),
    CaseAction.REOPEN: _l("Only a settled case can be reopened."),
}


class IllegalTransition(Exception):
    def __init__(self, action: CaseAction, status: CaseStatus):
        super().__init__(f"{action} not allowed from {status}")
        self.action, self.status = action, status

    @property
    def message(self) -> str:
        return str(REFUSALS[self.action])


def allowed(action: CaseAction, status: CaseStatus) -> bool:
    return CaseStatus(status) in TRANSITIONS[action][0]


def transition(case: DisputeCase, action: CaseAction, actor=None, reason: str | None = None) -> CaseStatus:
    """Move ``case`` by ``action`` or raise :class:`IllegalTransition`; stamps and audits."""
    before = case.status_enum
    if not allowed(action, before):
        raise IllegalTransition(action, before)
    after = TRANSITIONS[action][1]
    now = utcnow()
    case.status = after.value
    if action == CaseAction.ACCEPT:
        case.accepted_at = now
    if action == CaseAction.SETTLE:
        case.settled_at = now
    if action == CaseAction.REOPEN:
        case.came_back, case.came_back_at, case.closed_at = True, now, None
    if after in CLOSED:
        case.closed_at = now
    if reason is not None and action in (
        CaseAction.REFER,
        CaseAction.DECLINE,
        CaseAction.FAIL,
        CaseAction.REFUSE,
    ):
        case.reason = reason
    record(
        None,
        actor,
        str(action),
        kind=KIND,
        subject_id=case.id,
        reason=reason,
        before={"status": before.value},
        after={"status": after.value},
    )
    return after
