"""Escalation of overdue queue items to the duty leader: once per deadline, audited, on the overview."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.jobs import JOBS
from tipboard.moderation.escalation import (
    Escalation,
    EscalationError,
    duty_leader_on,
    escalate_overdue,
    set_duty_leader,
)
from tipboard.moderation.models import AuditEntry
from tipboard.moderation.services import item_for
from tipboard.outbox import OutboxMessage
from tipboard.permissions import Role
from tipboard.timezones import local_now
from tipboard.tips.workflow import enqueue_tip


@pytest.fixture
def overdue_tip(app_ctx):
    category = CategoryFactory(response_hours=4, resolution_hours=72)
    tip = TipFactory(category=category, created_at=utcnow() - dt.timedelta(hours=6))
    db.session.flush()
    enqueue_tip(tip, new_subject=True)
    return tip


def test_an_overdue_tip_is_escalated_once_to_the_duty_leader(client, login, overdue_tip):
    leader = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR))
    set_duty_leader(local_now().date(), leader)
    assert escalate_overdue() >= 1
    item = item_for("tip", overdue_tip.id)
    row = db.session.scalar(sa.select(Escalation).where(Escalation.item_id == item.id))
    assert row.leader_id == leader.id and row.stage == "response" and row.due_at == item.due_at
    audit = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.item_id == item.id, AuditEntry.action == "escalate")
    )
    assert audit.after["leader_id"] == leader.id and audit.reason == "response"
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.user_id == leader.id)
        )
        == 1
    )
    assert escalate_overdue() == 0  # the same deadline is never escalated twice
    login(client, leader)
    page = client.get("/moderation/overview").data.decode()
    assert f"#{item.id}" in page and "first response overdue" in page

    # once answered, the resolution deadline is a new one, escalated once in its turn
    overdue_tip.first_response_at = utcnow()
    item.due_at = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()
    assert escalate_overdue() >= 1
    stages = db.session.scalars(sa.select(Escalation.stage).where(Escalation.item_id == item.id)).all()
    assert sorted(stages) == ["resolution", "response"]


def test_nothing_is_escalated_without_a_duty_leader_or_before_the_deadline(app_ctx, overdue_tip):
    assert duty_leader_on(local_now().date()) is None
    assert escalate_overdue() == 0
    set_duty_leader(local_now().date(), UserFactory(roles=(Role.SUPERVISOR,)))
    item = item_for("tip", overdue_tip.id)
    item.due_at = utcnow() + dt.timedelta(hours=1)
    db.session.flush()
    assert not db.session.scalar(sa.select(Escalation.id).where(Escalation.item_id == item.id))
    assert escalate_overdue() == 0 or not db.session.scalar(
        sa.select(Escalation.id).where(Escalation.item_id == item.id)
    )


def test_only_a_supervisor_can_be_duty_leader(app_ctx):
    with pytest.raises(EscalationError):
        set_duty_leader(local_now().date(), UserFactory(roles=(Role.STAFF,)))


def test_the_job_runs_once_per_hour(app_ctx, overdue_tip):
    set_duty_leader(local_now().date(), UserFactory(roles=(Role.SUPERVISOR,)))
    job = JOBS["moderation.escalate"].func
    assert job() >= 1
    overdue_tip.first_response_at = utcnow()
    item_for("tip", overdue_tip.id).due_at = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()
    assert job() == 0  # the guard for this hour is taken: the new deadline waits for the next hour


def test_supervisors_keep_the_rota_and_staff_only_read_it(client, login, app_ctx):
    supervisor = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR))
    tomorrow = local_now().date() + dt.timedelta(days=1)
    login(client, supervisor)
    assert (
        client.post(
            "/grids/duty", data={"day": tomorrow.isoformat(), "leader": str(supervisor.id)}
        ).status_code
        == 302
    )
    assert duty_leader_on(tomorrow).id == supervisor.id
    assert supervisor.name in client.get("/grids/duty").data.decode()
    staff = UserFactory(roles=(Role.STAFF,))
    refused = client.post("/grids/duty", data={"day": tomorrow.isoformat(), "leader": str(staff.id)})
    assert refused.status_code == 400
    assert client.post("/grids/duty", data={"day": tomorrow.isoformat(), "leader": ""}).status_code == 302
    assert duty_leader_on(tomorrow) is None
    login(client, staff)
    assert client.get("/grids/duty").status_code == 200
    assert (
        client.post("/grids/duty", data={"day": tomorrow.isoformat(), "leader": str(staff.id)}).status_code
        == 403
    )
