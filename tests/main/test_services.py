"""The inbox services called directly."""

import datetime as dt

import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage, mark_all_read, notify


def test_mark_all_read_marks_only_the_users_unread_messages(app_ctx):
    me, other = UserFactory(), UserFactory()
    earlier = dt.datetime(2025, 1, 2, 3, 4, 5)
    old = notify(me, "auth.lockout", {"minutes": 1})
    old.read_at = earlier
    notify(me, "auth.lockout", {"minutes": 2})
    notify(me, "auth.lockout", {"minutes": 3})
    theirs = notify(other, "auth.lockout", {"minutes": 4})
    db.session.flush()
    now = dt.datetime(2025, 6, 1, 12, 0, 0)
    assert mark_all_read(me, now=now) == 2
    read = dict(
        db.session.execute(
            sa.select(OutboxMessage.id, OutboxMessage.read_at).where(OutboxMessage.user_id == me.id)
        ).all()
    )
    assert sorted(read.values()) == [earlier, now, now]  # an old read time stays
    assert db.session.scalar(sa.select(OutboxMessage.read_at).where(OutboxMessage.id == theirs.id)) is None
    assert mark_all_read(me) == 0
