"""Workers running at once, against the real database (file SQLite or PostgreSQL) with real commits:
every message is delivered once per channel, never twice. On PostgreSQL the workers truly overlap
(without the conditional claim this test sees most messages sent two or three times); on SQLite
they mostly take turns on the write lock."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.notify import channels, worker
from tipboard.notify.models import Delivery
from tipboard.notify.worker import deliver_pending
from tipboard.outbox import notify


def _worker(app, errors, barrier):
    def run():
        barrier.wait()
        with app.app_context():
            try:
                deliver_pending()
            except Exception as exc:  # reported by the test below
                errors.append(exc)
            finally:
                db.session.remove()

    return run


def test_three_workers_at_once_deliver_each_message_once(fresh_app, monkeypatch):
    def slow_send(*args):  # a provider that takes a moment, so the workers overlap
        time.sleep(0.02)
        return channels.transmit(*args)

    monkeypatch.setattr(worker, "transmit", slow_send)
    with fresh_app.app_context():
        for n in range(30):
            notify(UserFactory(email=f"race{n}@example.test"), "auth.lockout", {"minutes": n})
        db.session.commit()
    errors: list = []
    barrier = threading.Barrier(3, timeout=60)
    threads = [threading.Thread(target=_worker(fresh_app, errors, barrier)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    sent = fresh_app.extensions["outbox_sent"]
    assert sorted(address for address, _s, _b in sent) == sorted(f"race{n}@example.test" for n in range(30))
    with fresh_app.app_context():
        rows = db.session.execute(sa.select(Delivery.status, Delivery.attempts)).all()
        assert len(rows) == 30 and set(rows) == {("sent", 1)}
