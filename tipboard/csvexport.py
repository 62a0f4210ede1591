"""CSV downloads that open safely in Excel and WPS: UTF-8 with a byte-order mark (so Chinese names
read right) and every text cell that a spreadsheet would take for a formula neutralised.

Every CSV export goes through :func:`csv_response`; a name like ``=HYPERLINK(...)`` typed by a
resident must arrive as text, never as a live formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

#: A cell starting with one of these is read as a formula (tab and CR too, by some spreadsheets);
#: the full-width forms are included because Chinese input methods type them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
BOM = "\ufeff"


def cell(value):
    """A text value that would start a formula gets a leading apostrophe (shown as text, as OWASP
    advises); numbers and other text pass through."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(v) for v in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + buffer.getvalue()


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str) -> Response:
    """A download of ``rows`` under ``header``, named ``filename``."""
    return Response(
        csv_text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
