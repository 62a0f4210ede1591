"""Database conventions: naming, timestamps in UTC, and SQLite done right.

SQLite gets WAL, ``synchronous=FULL`` (an accepted tip survives a power cut), a busy timeout,
foreign keys, and write transactions that ``BEGIN IMMEDIATE`` so concurrent writers queue on the
lock instead of failing half-way with "database is locked". Writers of a database file wait their
turn on a lock file beside it (:class:`QueuedWriterConnection`) rather than in SQLite's busy
handler, whose growing sleeps (up to 100 ms a try) made the slowest submissions under load wait
~0.8 s for a lock that is held ~1 ms at a time.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import sqlite3
import time

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_sqlalchemy.model import Model as FsaModel
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def unique_constraint_name(table: str, column: str) -> str:
    """The name :data:`NAMING_CONVENTION` gives a one-column unique constraint (``unique=True``)."""
    return NAMING_CONVENTION["uq"] % {"table_name": table, "column_0_N_name": column}


def is_unique_violation(exc: IntegrityError, table: str, column: str) -> bool:
    """True when ``exc`` is another row already having this value of ``table.column`` (its own
    unique constraint), not some other constraint the row broke (NOT NULL, CHECK, a foreign key,
    a unique constraint on other columns). PostgreSQL names the constraint; SQLite names the
    columns in its message; other databases: False."""
    orig = getattr(exc, "orig", None)
    diag = getattr(orig, "diag", None)
    if diag is not None:  # psycopg: SQLSTATE 23505 is unique_violation
        sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return sqlstate == "23505" and diag.constraint_name == unique_constraint_name(table, column)
    if isinstance(orig, sqlite3.IntegrityError):
        return str(orig) == f"UNIQUE constraint failed: {table}.{column}"
    return False


class Model(FsaModel):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Naive UTC now: stored as-is on every backend, converted for display by the view."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)


log = logging.getLogger(__name__)

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only(view):
    """Marks a view that never writes to the database although it answers a POST (a lookup behind
    a form, like the tracking code): on SQLite its transaction begins deferred, as a GET's does, so
    such lookups do not queue on the write lock behind tip submissions. A write in it would fail
    on SQLite when another one got in first; tests/security checks each marked view sends none."""
    view.reads_only = True
    return view


def _request_reads_only() -> bool:
    if request.method in READ_ONLY_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "reads_only", False)


class QueuedWriterConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions take turns on ``<database>-writers``, a lock
    file (flock) beside the database, before ``BEGIN IMMEDIATE``; the turn ends when the
    transaction does (commit, rollback, close, or the process dying).

    SQLite's own busy handler sleeps 1, 2, 5 ... up to 100 ms between tries, so under load a writer
    could sleep long after the lock was free, while a newcomer got it. Waiters here try every
    0.2 to 2 ms. After ``timeout`` seconds a writer stops waiting for its turn and goes on to
    SQLite's busy timeout as before: a turn that never ends (a thread that holds one and opens a
    second write connection) costs a delay, never a deadlock. Databases in memory or given as a
    URI take no turns."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        name = os.fsdecode(database) if isinstance(database, (str, bytes, os.PathLike)) else ""
        self._turns_path = None if kwargs.get("uri") or name in ("", ":memory:") else name + "-writers"
        self._turns_fd: int | None = None
        self._my_turn = False

    def wait_for_turn(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` s) until no other connection of this database writes; True
        when this connection now has the turn (or already had it)."""
        if self._turns_path is None or self._my_turn:
            return self._my_turn
        if self._turns_fd is None:
            self._turns_fd = os.open(self._turns_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline, pause = time.monotonic() + timeout, 0.0002
        while True:
            try:
                fcntl.flock(self._turns_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._my_turn = True
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    log.warning("sqlite: no turn to write after %.1f s; trying the lock anyway", timeout)
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.002)

    def _end_turn(self) -> None:
        if self._my_turn:
            self._my_turn = False
            fcntl.flock(self._turns_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()
            if self._turns_fd is not None:
                os.close(self._turns_fd)
                self._turns_fd = None


SQLITE_CONNECT_ARGS = {"factory": QueuedWriterConnection}


def configure_sqlite(engine: sa.engine.Engine, busy_timeout_ms: int = 10_000) -> None:
    """Install the pragmas and the BEGIN IMMEDIATE behaviour on a SQLite engine (made with
    ``connect_args=SQLITE_CONNECT_ARGS`` for writers to take turns)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Reads of a GET request never write, so they need no write lock; everything else (form
        # posts, jobs, CLI) takes its turn, then the lock up front (busy_timeout as a backstop).
        if has_request_context() and _request_reads_only():
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection
        if isinstance(dbapi_connection, QueuedWriterConnection):
            dbapi_connection.wait_for_turn(busy_timeout_ms / 1000)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


EXPRESSION_INDEXES: set[str] = set()


def expression_index(name: str, *elements) -> sa.Index:
    """An index on expressions (``priority DESC``). Autogenerate cannot compare these, so they
    are written by hand in their migration and skipped by :func:`include_in_autogenerate`."""
    EXPRESSION_INDEXES.add(name)
    return sa.Index(name, *elements)


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object`` hook."""
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def is_postgresql(bind) -> bool:
    return bind.dialect.name == "postgresql"
