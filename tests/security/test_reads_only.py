"""Views marked ``reads_only`` answer a POST without writing: on SQLite they begin a deferred
transaction (no write lock), so a write in one could fail. Each marked view is exercised here and
must send no INSERT, UPDATE or DELETE; a newly marked view must be added to LOOKUPS."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import TipFactory
from tests.sqlcount import statements
from tipboard.extensions import db
from tipboard.tips.services import hash_secret

LOOKUPS = {"tips.track"}


def test_every_reads_only_view_is_checked_here(app):
    marked = {name for name, view in app.view_functions.items() if getattr(view, "reads_only", False)}
    assert marked == LOOKUPS


def test_a_tracking_lookup_writes_nothing(client, app_ctx):
    tip = TipFactory()
    tip.secret_hash = hash_secret("K7M2-QX4P-7ABC")
    db.session.commit()
    for secret, status in (("K7M2-QX4P-7ABC", 302), ("WRNG-WRNG-WRNG", 400)):
        with statements() as sent:
            response = client.post("/tips/track", data={"code": tip.tracking_code, "secret": secret})
        assert response.status_code == status
        assert not [s for s in sent if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")], sent


def test_on_sqlite_a_lookup_takes_no_write_lock_and_a_submission_does(fresh_app):
    with fresh_app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL has no database-wide write lock to avoid")
        begins: list[str] = []
        sa.event.listen(
            db.engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_a: (
                begins.append(statement) if statement.startswith("BEGIN") else None
            ),
        )
    client = fresh_app.test_client()
    client.post("/tips/track", data={"code": "ZZZZ-ZZZZ", "secret": "ZZZZ-ZZZZ-ZZZZ"})
    assert begins == ["BEGIN"]
    begins.clear()
    client.post("/tips/new", data={"description": "x"})
    assert begins and begins[0] == "BEGIN IMMEDIATE"
