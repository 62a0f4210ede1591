"""SQLite done right: the pragmas are really set and concurrent writers wait instead of failing."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import BACKEND
from tests.production.helpers import make_category, submit
from tipboard.database import QueuedWriterConnection
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
def test_writers_take_turns_on_a_lock_file_beside_the_database(fresh_app):
    """A write transaction holds the turn until it ends; the next writer gets it then, without
    sleeping in SQLite's busy handler; commit, rollback and close each end a turn."""
    with fresh_app.app_context():
        engine = db.engine
        with engine.connect() as first:
            first.exec_driver_sql("SELECT 1")  # began: took the turn, then BEGIN IMMEDIATE
            holder = first.connection.dbapi_connection
            assert isinstance(holder, QueuedWriterConnection) and holder.wait_for_turn(0) is True
            other = engine.raw_connection()
            try:
                waiting = other.dbapi_connection
                assert waiting.wait_for_turn(timeout=0.01) is False  # first's turn still
                got = []
                waiter = threading.Thread(target=lambda: got.append(waiting.wait_for_turn(timeout=30)))
                waiter.start()
                time.sleep(0.05)
                first.commit()
                waiter.join()
                assert got == [True]
                assert holder.wait_for_turn(timeout=0.01) is False  # the other connection's turn now
                other.rollback()
                assert holder.wait_for_turn(timeout=0.01) is True
                holder.rollback()
                assert waiting.wait_for_turn(timeout=0.01) is True
            finally:
                other.close()
            assert holder.wait_for_turn(timeout=0.01) is True  # closing ended the other's turn
            holder.rollback()


def test_databases_in_memory_take_no_turns(tmp_path):
    memory = sqlite3.connect(":memory:", factory=QueuedWriterConnection)
    assert memory.wait_for_turn(1) is False
    memory.close()
    uri = sqlite3.connect(f"file:{tmp_path / 'x.sqlite3'}?mode=rwc", uri=True, factory=QueuedWriterConnection)
    assert uri.wait_for_turn(1) is False
    uri.close()
    assert [p.name for p in tmp_path.iterdir()] == ["x.sqlite3"]


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
