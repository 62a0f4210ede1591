"""The outbox worker: one delivery per message and channel, claims that cannot be taken twice, a
stopped worker's "sending" rows never resent on their own, and the admin's stuck list."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.notify import worker
from tipboard.notify.models import ChannelChoice, Delivery
from tipboard.notify.routing import channels_for
from tipboard.outbox import OutboxMessage, notify

NOW = dt.datetime(2026, 12, 1, 8, 0)


def _delivery(message) -> Delivery:
    return db.session.scalar(sa.select(Delivery).where(Delivery.message_id == message.id))


def test_each_message_gets_one_delivery_per_channel_even_routed_twice(app, app_ctx):
    user = UserFactory(email="a@example.test")
    message = notify(user, "auth.lockout", {"minutes": 5})
    db.session.commit()
    assert worker.route_new(NOW) == 1
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(sent_at=None))
    worker.route_new(NOW)  # routed again (as a second worker would): the unique pair holds
    assert db.session.scalar(sa.select(sa.func.count()).where(Delivery.message_id == message.id)) == 1


def test_a_claimed_delivery_cannot_be_claimed_again(app, app_ctx):
    message = notify(UserFactory(email="b@example.test"), "auth.lockout", {"minutes": 5})
    db.session.commit()
    worker.route_new(NOW)
    delivery = _delivery(message)
    assert worker.claim(delivery.id, NOW) is True
    assert worker.claim(delivery.id, NOW) is False  # a second worker gets nothing
    db.session.refresh(delivery)
    assert delivery.status == "sending" and delivery.attempts == 1


def test_a_worker_killed_mid_send_does_not_send_again(app, app_ctx):
    """A row left "sending" (the provider may have accepted it) becomes "unknown", never resent
    by the worker; an admin's retry sends it."""
    message = notify(UserFactory(email="c@example.test"), "auth.lockout", {"minutes": 5})
    db.session.commit()
    worker.route_new(NOW)
    delivery = _delivery(message)
    assert worker.claim(delivery.id, NOW)  # ...and the worker dies here
    later = NOW + dt.timedelta(minutes=11)
    assert worker.deliver_pending(now=later) == 0
    assert app.extensions.get("outbox_sent", []) == []
    db.session.refresh(delivery)
    assert delivery.status == "unknown" and "maybe sent" in delivery.last_error
    assert worker.deliver_pending(now=later + dt.timedelta(hours=1)) == 0
    assert worker.retry(delivery.id, now=later)
    assert worker.deliver_pending(now=later + dt.timedelta(seconds=1)) == 1
    assert len(app.extensions["outbox_sent"]) == 1


def test_a_sending_row_that_is_fresh_is_left_alone(app, app_ctx):
    message = notify(UserFactory(email="d@example.test"), "auth.lockout", {"minutes": 5})
    db.session.commit()
    worker.route_new(NOW)
    delivery = _delivery(message)
    worker.claim(delivery.id, NOW)
    assert worker.mark_stale(NOW + dt.timedelta(minutes=5)) == 0


def test_too_many_failures_mean_failed(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BACKEND", "send")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    message = notify(UserFactory(email="e@example.test"), "auth.lockout", {"minutes": 5})
    db.session.commit()
    worker.deliver_pending(now=NOW)
    worker.deliver_pending(now=NOW + dt.timedelta(hours=1))
    delivery = _delivery(message)
    db.session.refresh(delivery)
    assert delivery.status == "failed" and delivery.attempts == 2
    assert worker.deliver_pending(now=NOW + dt.timedelta(days=1)) == 0
    db.session.refresh(delivery)
    assert delivery.attempts == 2


def test_a_person_nobody_can_reach_still_reads_the_message_in_the_inbox(app, app_ctx, client, login):
    user = UserFactory(email=None, phone=None, username="onlyhere")
    db.session.add(ChannelChoice(user_id=user.id, channels=""))
    message = notify(user, "auth.lockout", {"minutes": 7})
    db.session.commit()
    assert channels_for(message) == []
    worker.deliver_pending(now=NOW)
    assert _delivery(message) is None
    login(client, user)
    assert "7 minutes" in client.get("/inbox").get_data(as_text=True)


def test_defaults_and_choices_decide_the_channel(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_TEMPLATES", {"patrols.reminder_day": {"id": "1", "params": []}})
    user = UserFactory(email="f@example.test", phone="13900000001")
    reminder = notify(user, "patrols.reminder_day", {"shift": "s", "when": "w"})
    followup = notify(user, "tips.followup", {"code": "ABCD-EFGH"})
    assert channels_for(reminder) == ["sms"]  # the kind's default
    assert channels_for(followup) == ["email"]  # nothing chosen, no SMS template: the next that reaches them
    db.session.add(ChannelChoice(user_id=user.id, channels="email"))
    db.session.flush()
    assert channels_for(reminder) == ["email"]  # SMS turned off: the chosen channel
    assert channels_for(followup) == ["email"]


def test_the_stuck_page_and_its_retry_button(app, app_ctx, client, login, users):
    message = notify(UserFactory(email="g@example.test"), "auth.lockout", {"minutes": 5})
    db.session.commit()
    worker.route_new(NOW)
    delivery = _delivery(message)
    db.session.execute(
        sa.update(Delivery).where(Delivery.id == delivery.id).values(status="failed", last_error="SMS boom")
    )
    db.session.commit()
    login(client, users["staff"])
    assert client.get("/notify/admin").status_code == 403
    assert client.post(f"/notify/admin/{delivery.id}/retry").status_code in (400, 403)
    login(client, users["admin"])
    assert "SMS boom" in client.get("/notify/admin").get_data(as_text=True)
    response = client.post(f"/notify/admin/{delivery.id}/retry")
    assert response.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == "retrying"
    assert worker.deliver_pending() == 1
    assert "SMS boom" not in client.get("/notify/admin").get_data(as_text=True)


def test_secrets_never_reach_the_delivery_rows(app, app_ctx, client):
    user = UserFactory(email="reset@example.test")
    db.session.commit()
    client.post("/auth/reset", data={"login": "reset@example.test"})
    worker.deliver_pending()
    [(_address, _subject, body)] = app.extensions["outbox_sent"]
    link = body.split()[-1]
    assert "/auth/reset/" in link
    token = link.rsplit("/", 1)[1]
    rows = (
        db.session.execute(sa.select(Delivery.__table__)).all()
        + db.session.execute(sa.select(OutboxMessage.__table__).where(OutboxMessage.user_id == user.id)).all()
    )
    assert rows and all(token not in repr(row) for row in rows)
