"""Where a transaction ends (docs/architecture.md, "Where a transaction ends").

Services change state and flush; they never commit. A web request that changes state (POST, PUT,
PATCH, DELETE) is committed once, after its view returned a response below 400, unless the view
called :func:`refuse` (or answered 4xx after :func:`keep`: a tip form's pending photos). Everything
else is never committed: the session is rolled back when the request's app context ends. Jobs and
CLI commands wrap their work in :func:`unit_of_work`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, flash, g, request

from tipboard.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse(message: str) -> None:
    """A service refused what the request asked: undo what it changed, show ``message`` as an
    error, and keep the request from committing (the view may still render a page)."""
    db.session.rollback()
    g.tipboard_refused = True
    flash(message, "error")


def keep() -> None:
    """Commit this state-changing request even if it answers 4xx: what the view wrote so far is
    meant to survive a form sent back for correction (the one use: a tip form's pending photos).
    A later :func:`refuse` still wins."""
    g.tipboard_keep = True


def keep_read() -> None:
    """Commit this reading request if it succeeds: what it wrote is the record that the read
    happened (a look at a confidential dispute case goes into the case's audit trail)."""
    g.tipboard_keep_read = True


def commit_if_done(response: Response) -> Response:
    """After every request: commit a state-changing request that succeeded (or was kept) and was
    not refused, and a read that must leave its record (:func:`keep_read`)."""
    done = response.status_code < 400 or g.get("tipboard_keep")
    writes = request.method in WRITE_METHODS and done
    recorded_read = g.get("tipboard_keep_read") and response.status_code < 400
    if (writes or recorded_read) and not g.get("tipboard_refused"):
        db.session.commit()
    return response


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A job's or a command's transaction: committed if the block finishes, rolled back if it
    raises (or if the commit itself fails)."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def _start() -> None:
    # Every request starts neither refused nor kept (a test's requests can share one ``g``).
    g.tipboard_refused = g.tipboard_keep = g.tipboard_keep_read = False


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(commit_if_done)
