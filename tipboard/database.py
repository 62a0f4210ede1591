"""Database conventions: naming, timestamps in UTC, and SQLite done right.

SQLite gets WAL, ``synchronous=FULL`` (an accepted tip survives a power cut), a busy timeout,
foreign keys, and write transactions that ``BEGIN IMMEDIATE`` so concurrent writers wait for the
lock instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import sqlalchemy as sa
from flask import has_request_context, request
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


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_sqlite(engine: sa.engine.Engine, busy_timeout_ms: int = 10_000) -> None:
    """Install the pragmas and the BEGIN IMMEDIATE behaviour on a SQLite engine."""

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
        # A GET only reads, so it needs no write lock; everything else (form posts, jobs, CLI)
        # takes the lock up front and waits for it up to the busy timeout.
        if has_request_context() and request.method in READ_ONLY_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
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
