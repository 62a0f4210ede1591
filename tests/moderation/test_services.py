"""The queue's services called directly: bulk actions, and one item update per action."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tests.sqlcount import statements, touching
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation import services
from tipboard.moderation.models import AuditEntry, ItemStatus
from tipboard.permissions import Role
from tipboard.tips.models import TipStatus
from tipboard.tips.workflow import TipAction, enqueue_tip, transition


def queued(**tip_fields):
    tip = TipFactory(**tip_fields)
    enqueue_tip(tip)
    return tip, services.item_for("tip", tip.id)


@pytest.fixture
def staff(app_ctx):
    return UserFactory(roles=(Role.STAFF,))


def test_perform_many_does_each_item_on_its_own(app_ctx, staff):
    (fresh, fresh_item), (_, closed_item), (held, held_item), (other, _) = (
        queued(),
        queued(status=TipStatus.REJECTED.value),
        queued(),
        queued(),
    )
    held_item.claimed_by_id, held_item.claimed_until = (
        UserFactory(roles=(Role.STAFF,)).id,
        utcnow() + dt.timedelta(minutes=5),
    )
    db.session.flush()
    ids = [fresh_item.id, closed_item.id, held_item.id, 2**31 - 1, fresh_item.id]
    results = services.perform_many("tip", ids, "reject", staff, {"reason": "spam", "detail": "Ads"})
    by_id = {r.item_id: r for r in results}
    assert [r.item_id for r in results] == ids[:4]  # each item once, in the order given
    assert by_id[fresh_item.id].done and by_id[fresh_item.id].outcome.after["status"] == "rejected"
    assert (by_id[closed_item.id].code, by_id[closed_item.id].done) == ("refused", False)
    assert by_id[closed_item.id].message  # the refusal, for the actor to read
    assert by_id[held_item.id].code == "claimed_by_other"
    assert by_id[2**31 - 1].code == "not_found"
    assert fresh.status == "rejected" and held.status == "new" and other.status == "new"
    rejects = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reject")).all()
    assert [a.subject_id for a in rejects] == [fresh.id]


def test_perform_many_takes_only_items_of_its_kind_and_bulk_actions(app_ctx, staff):
    _tip, item = queued()
    with pytest.raises(services.QueueError) as refused:
        services.perform_many("tip", [item.id], "verify", staff, {})  # verify is one at a time
    assert refused.value.code == "unknown_action"
    with pytest.raises(services.QueueError) as refused:
        services.perform_many("no-such-kind", [item.id], "reject", staff, {})
    assert refused.value.code == "unknown_kind"
    item.kind = "tip-elsewhere"
    [result] = services.perform_many("tip", [item.id], "reject", staff, {"reason": "spam"})
    assert result.code == "not_found" and not result.done
    assert services.perform_many("tip", [], "reject", staff, {"reason": "spam"}) == []


def test_perform_many_refuses_items_the_actor_may_not_see(app_ctx):
    _tip, item = queued()
    volunteer = UserFactory(roles=(Role.VOLUNTEER,))
    [result] = services.perform_many("tip", [item.id], "reject", volunteer, {"reason": "spam"})
    assert result.code == "forbidden" and item.status == ItemStatus.OPEN.value


ACTIONS = [  # (status the tip starts in, action, form data)
    (TipStatus.NEW, "verify", {"note": "Seen on site."}),
    (TipStatus.NEW, "ask", {"question": "Which floor?"}),
    (TipStatus.NEW, "reject", {"reason": "spam"}),
    (TipStatus.VERIFIED, "assign", {"assignee": None, "grid": None}),
    (TipStatus.VERIFIED, "start", {}),
    (TipStatus.IN_PROGRESS, "resolve", {"note": "Fixed."}),
    (TipStatus.RESOLVED, "reopen", {"reason": "Back again."}),
]


@pytest.mark.parametrize("status,action,data", ACTIONS, ids=[a for _s, a, _d in ACTIONS])
def test_each_tip_action_updates_its_queue_item_once(app_ctx, staff, status, action, data):
    tip, item = queued(status=status.value)
    if action == "assign":
        data = {"assignee": str(staff.id), "grid": str(GridFactory().id)}
    db.session.flush()
    with statements() as sent:
        services.perform(item, action, staff, data)
    assert len(touching(sent, "UPDATE", "queue_item")) == 1
    assert touching(sent, "SELECT", "queue_item") == []  # nobody looks the item up again


def test_the_item_follows_the_tip_as_before(app_ctx, staff):
    """What the tip's own sync used to write is now written once, from the action's outcome: a due
    time that no longer applies is cleared, the assignee and priority follow the tip."""
    category = CategoryFactory(response_hours=4, resolution_hours=None, is_hazard=False)
    tip, item = queued(category=category)
    assert item.due_at is not None
    services.perform(item, "verify", staff, {})
    assert item.due_at is None and item.status == ItemStatus.OPEN.value and item.priority == 0
    services.perform(item, "assign", staff, {"assignee": str(staff.id), "grid": None})
    assert item.assignee_id == staff.id == tip.assignee_id
    services.perform(item, "reject", staff, {"reason": "spam"})
    assert item.status == ItemStatus.CLOSED.value and item.closed_at is not None


def test_changes_outside_the_queue_still_move_the_item(app_ctx, staff):
    tip, item = queued()
    services.perform(item, "ask", staff, {"question": "Which floor?"})
    assert item.status == ItemStatus.WAITING.value
    with statements() as sent:
        transition(tip, TipAction.ANSWER, None)  # the reporter answers: no queue action runs
    assert item.status == ItemStatus.OPEN.value
    assert len(touching(sent, "UPDATE", "queue_item")) == 1


def test_save_response_template_creates_and_updates(app_ctx):
    template = services.save_response_template(
        None, title=" Fixed ", body_zh=" 已修复。 ", body_en="Fixed. ", active=True
    )
    assert template.id and (template.title, template.body_zh, template.body_en) == (
        "Fixed",
        "已修复。",
        "Fixed.",
    )
    same = services.save_response_template(
        template, title="Fixed", body_zh="已修复。", body_en="Repaired.", active=False
    )
    assert same is template and template.body_for("en") == "Repaired." and template.active is False
