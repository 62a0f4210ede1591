"""Whole numbers from outside (URLs, query strings, forms) that end up as ids in SQL.

A number too large for an INTEGER column makes the database driver raise (SQLite: OverflowError,
PostgreSQL: a numeric-out-of-range error), which would be a 500. Such a number names nothing, so
it is treated like any other id that matches nothing.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER on PostgreSQL (and well inside SQLite's 64 bits)


def db_id(text) -> int:
    """``request.args.get("category", type=db_id)``: a positive id the database can hold, else
    ValueError (so ``get`` returns its default)."""
    number = int(text)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"not an id: {text!r}")
    return number


class IdConverter(IntegerConverter):
    """The ``<int:...>`` converter of every route: an id too large for the database matches no
    route (a 404) instead of reaching SQL."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
