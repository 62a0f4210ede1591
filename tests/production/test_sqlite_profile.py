"""SQLite done right: the pragmas are really set and concurrent writers wait instead of failing."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.conftest import BACKEND
from tests.production.helpers import make_category, submit
from tipboard.extensions import db
from tipboard.tips.models import Tip

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite profile")


@sqlite_only
def test_pragmas_are_set_on_every_connection(fresh_app):
    with fresh_app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@sqlite_only
def test_write_transactions_begin_immediately(fresh_app):
    """Outside a GET request a transaction takes the write lock at BEGIN, so a second writer
    cannot start a transaction that would later fail to upgrade its lock."""
    with fresh_app.app_context():
        engine = db.engine
        with engine.connect() as first:
            first.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE happened: first holds the lock
            other = engine.raw_connection()
            try:
                cursor = other.cursor()
                cursor.execute("PRAGMA busy_timeout = 0")
                with pytest.raises(Exception, match="locked"):
                    cursor.execute("BEGIN IMMEDIATE")
            finally:
                other.close()


@sqlite_only
def test_a_get_takes_no_write_lock_and_a_form_post_does(fresh_app):
    """GET requests begin deferred (WAL readers never wait for a writer); every other request
    takes the write lock at BEGIN."""
    begins: list[str] = []
    with fresh_app.app_context():
        sa.event.listen(
            db.engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_a: (
                begins.append(statement) if statement.startswith("BEGIN") else None
            ),
        )
    client = fresh_app.test_client()
    assert client.get("/tips/track/ZZZZ-ZZZZ").status_code == 200  # looked up: the code-and-secret form
    assert begins == ["BEGIN"]
    begins.clear()
    client.post("/tips/track", data={"code": "ZZZZ-ZZZZ", "secret": "ZZZZ-ZZZZ-ZZZZ"})
    assert begins and begins[0] == "BEGIN IMMEDIATE"


def test_concurrent_writers_all_succeed(fresh_app):
    """Eight threads each commit tips at once; none fails with 'database is locked'."""
    with fresh_app.app_context():
        category_id = make_category()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int):
        try:
            with fresh_app.app_context():
                start.wait()
                for i in range(10):
                    submit(category_id, f"writer {n} tip {i}")
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 80
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Tip.tracking_code)))) == 80
