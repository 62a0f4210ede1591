"""The tip state machine: every legal and every illegal transition."""

import pytest

from tests.factories import TipFactory, UserFactory
from tipboard.events import tip_status_changed, tip_verified
from tipboard.permissions import Role
from tipboard.tips.models import EventVisibility, TipStatus
from tipboard.tips.workflow import TRANSITIONS, IllegalTransition, TipAction, allowed, transition

S = TipStatus
EXPECTED = {  # the documented table, written out by hand
    TipAction.VERIFY: ({S.NEW, S.NEEDS_INFO}, S.VERIFIED),
    TipAction.REJECT: ({S.NEW, S.NEEDS_INFO, S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}, S.REJECTED),
    TipAction.DUPLICATE: (
        {S.NEW, S.NEEDS_INFO, S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED},
        S.DUPLICATE,
    ),
    TipAction.ASK: ({S.NEW, S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}, S.NEEDS_INFO),
    TipAction.ASSIGN: ({S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}, S.ASSIGNED),
    TipAction.START: ({S.VERIFIED, S.ASSIGNED, S.REOPENED}, S.IN_PROGRESS),
    TipAction.RESOLVE: ({S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}, S.RESOLVED),
    TipAction.REOPEN: ({S.RESOLVED, S.REJECTED, S.DUPLICATE}, S.REOPENED),
}
CASES = [(a, s) for a in EXPECTED for s in TipStatus]


def test_table_is_the_documented_one():
    for action, (sources, target) in EXPECTED.items():
        assert TRANSITIONS[action] == (frozenset(sources), target)


@pytest.mark.parametrize("action,status", CASES, ids=[f"{a.value}-from-{s.value}" for a, s in CASES])
def test_every_transition(app_ctx, action, status):
    staff = UserFactory(roles=(Role.STAFF,))
    tip = TipFactory(status=status.value)
    sources, target = EXPECTED[action]
    if status in sources:
        assert transition(tip, action, staff) == (status, target)
        assert tip.status == target.value
        assert tip.events[-1].status == target.value
    else:
        with pytest.raises(IllegalTransition) as refused:
            transition(tip, action, staff)
        assert tip.status == status.value and refused.value.message
        assert not allowed(action, status)


def test_question_and_answer_return_to_the_previous_status(app_ctx):
    staff = UserFactory(roles=(Role.STAFF,))
    tip = TipFactory(status=S.ASSIGNED.value)
    transition(tip, TipAction.ASK, staff, reporter_note="Which floor?")
    assert tip.status == S.NEEDS_INFO.value and tip.status_before_question == S.ASSIGNED.value
    assert tip.events[-1].kind == "question" and tip.events[-1].visibility == EventVisibility.REPORTER.value
    transition(tip, TipAction.ANSWER, None)
    assert tip.status == S.ASSIGNED.value and tip.status_before_question is None
    with pytest.raises(IllegalTransition):
        transition(tip, TipAction.ANSWER, None)


def test_service_level_timestamps(app_ctx):
    staff = UserFactory(roles=(Role.STAFF,))
    tip = TipFactory()
    transition(tip, TipAction.VERIFY, staff)
    assert tip.first_response_at is not None and tip.published_at is not None
    first = tip.first_response_at
    transition(tip, TipAction.RESOLVE, staff, public_note="Fixed")
    assert tip.resolved_at is not None and tip.first_response_at == first
    transition(tip, TipAction.REOPEN, staff)
    assert tip.resolved_at is None


def test_verify_and_status_events(app_ctx):
    """What tips tells the other blueprints when staff verify (tipboard.events)."""

    seen = []
    on_verify = lambda tip, **kw: seen.append(("verified", tip.id, kw["actor"].id))  # noqa: E731
    on_change = lambda tip, **kw: seen.append(("changed", kw["old"], kw["new"]))  # noqa: E731
    tip_verified.connect(on_verify)
    tip_status_changed.connect(on_change)
    try:
        staff = UserFactory(roles=(Role.STAFF,))
        tip = TipFactory()
        transition(tip, TipAction.VERIFY, staff)
    finally:
        tip_verified.disconnect(on_verify)
        tip_status_changed.disconnect(on_change)
    assert seen == [("changed", S.NEW, S.VERIFIED), ("verified", tip.id, staff.id)]
