"""Counting the SQL a piece of code sends (N+1 checks and "one sync per action" checks)."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from tipboard.extensions import db


@contextlib.contextmanager
def statements():
    """``with statements() as sent: ...`` collects every SQL statement run on the app's engine
    (savepoint bookkeeping left out)."""
    sent: list[str] = []

    def _record(_conn, _cursor, statement, _params, _context, _executemany):
        if (
            not statement.lstrip()
            .upper()
            .startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
        ):
            sent.append(" ".join(statement.split()))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", _record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", _record)


def touching(sent: list[str], verb: str, table: str) -> list[str]:
    """The statements of one kind on one table: ``touching(sent, "UPDATE", "queue_item")``."""
    verb = verb.upper()
    marks = {
        "UPDATE": f"UPDATE {table} ",
        "INSERT": f"INSERT INTO {table} ",
        "DELETE": f"DELETE FROM {table} ",
        "SELECT": f"FROM {table}",
    }
    return [s for s in sent if s.upper().startswith(verb) and marks[verb].upper() in s.upper() + " "]


def get_counted(client, path: str, **kwargs) -> tuple[str, list[str]]:
    """The text of the page a GET returns and the statements the request sent."""
    with statements() as sent:
        response = client.get(path, **kwargs)
    return response.data.decode(), sent
