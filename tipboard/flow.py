"""The end of a request that changes something (DESIGN.md, "How a request flows"): run one service
call, then either commit and say it is done, or roll back and say why the service refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash

from tipboard.extensions import db

T = TypeVar("T")


def commit_unless_refused(
    call: Callable[[], T],
    refused: type[Exception] | tuple[type[Exception], ...],
    *,
    explain: Callable[[Exception], str],
    success: str | Callable[[T], str] | None = None,
) -> bool:
    """Run `call()`. If it raises `refused`, roll back, flash `explain(exc)` as an error and return
    False. Otherwise commit, flash `success` (or `success(result)` when the message depends on
    what the call returned; nothing when None) and return True. Any other exception propagates
    (the 500 handler rolls back)."""
    try:
        result = call()
    except refused as exc:
        db.session.rollback()
        flash(explain(exc), "error")
        return False
    db.session.commit()
    if success is not None:
        flash(success(result) if callable(success) else success, "success")
    return True
