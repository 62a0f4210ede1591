"""The one state machine: every action from every status, allowed or refused."""

from __future__ import annotations

import pytest

from tipboard.disputes.models import CaseStatus
from tipboard.disputes.workflow import CLOSED, TRANSITIONS, CaseAction, IllegalTransition, transition
from tipboard.moderation.services import audit_trail

CASES = [(action, status) for action in CaseAction for status in CaseStatus]


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_every_action_from_every_status(world, action, status):
    case = world.case()
    case.status = status.value
    sources, target = TRANSITIONS[action]
    if status in sources:
        assert transition(case, action, world.staff, "why") == target
        assert case.status == target.value
        entry = audit_trail("dispute", case.id)[-1]
        assert entry.action == str(action) and entry.after == {"status": target.value}
        if target in CLOSED:
            assert case.closed_at is not None
    else:
        with pytest.raises(IllegalTransition) as exc:
            transition(case, action, world.staff)
        assert exc.value.message  # a sentence for the form
        assert case.status == status.value


def test_every_status_is_reachable_and_every_open_status_has_a_way_out():
    targets = {target for _sources, target in TRANSITIONS.values()} | {CaseStatus.RECEIVED}
    assert targets == set(CaseStatus)
    for status in set(CaseStatus) - CLOSED:
        assert any(status in sources for sources, _t in TRANSITIONS.values()), status


def test_settling_and_coming_back_are_stamped(world):
    case = world.case("mediating")
    transition(case, CaseAction.DRAFT)
    transition(case, CaseAction.SETTLE)
    assert case.settled_at is not None and case.closed_at is not None
    transition(case, CaseAction.REOPEN)
    assert case.came_back and case.came_back_at is not None and case.closed_at is None
    assert case.status == CaseStatus.MEDIATING.value
