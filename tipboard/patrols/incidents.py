"""Incident records imported from a CSV (time, place, type), all or nothing.

Columns (a header row; English or Chinese names): ``occurred_at`` / 时间 (station time,
``YYYY-MM-DD HH:MM``), ``lat`` / 纬度, ``lon`` / 经度, ``type`` / 类型, and optionally ``place`` /
地点 (an address, kept as a label). UTF-8 with or without a BOM; GBK (GB18030) is read too. If any
row is bad nothing is imported and every bad row is reported by its line number. A row already
imported (same time, position and type) is skipped, so the same file imported twice adds nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import math

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tipboard.extensions import db
from tipboard.geo import in_station_area
from tipboard.patrols.models import Incident
from tipboard.timezones import from_local

HEADERS = {
    "occurred_at": ("occurred_at", "time", "时间", "发生时间"),
    "lat": ("lat", "latitude", "纬度"),
    "lon": ("lon", "lng", "longitude", "经度"),
    "kind": ("type", "kind", "类型", "警情类型"),
    "place": ("place", "address", "地点", "地址"),
}
REQUIRED = ("occurred_at", "lat", "lon", "kind")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M",
)
MAX_ROWS = 20_000
MAX_REPORTED = 50
TEMPLATE_HEADER = ["occurred_at", "lat", "lon", "type", "place"]
TEMPLATE_ROWS = [
    ["2026-11-20 21:40", "31.9440", "119.9760", "theft", "No. 8 Canal Road"],
    ["2026-11-21 22:15", "31.9442", "119.9763", "fight", ""],
]

REASONS = {
    "columns": _l("The header must name the columns occurred_at, lat, lon and type."),
    "time": _l("The time is not like 2026-11-20 21:40."),
    "future": _l("The time is in the future."),
    "position": _l("The latitude and longitude must be numbers."),
    "outside": _l("The position is outside the station's area."),
    "kind": _l("The type is missing or longer than 60 characters."),
    "place": _l("The place is longer than 200 characters."),
    "encoding": _l("The file is neither UTF-8 nor GBK text."),
    "unreadable": _l("The file cannot be read as CSV (a field is far too long)."),
    "empty": _l("The file has no rows."),
    "too_many": _l("The file has more than %(num)d rows; split it.", num=MAX_ROWS),
    "fields": _l("The row has a different number of fields than the header."),
    "busy": _l("Another import added some of these rows at the same moment; send the file again."),
}


@dataclasses.dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    errors: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (line, reason code)
    more_errors: int = 0


def decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [h.strip().lower() for h in header]
    found = {}
    for field, aliases in HEADERS.items():
        index = next((i for i, name in enumerate(names) if name in aliases), None)
        if index is not None:
            found[field] = index
    return found if all(f in found for f in REQUIRED) else None


def _parse_time(text: str) -> dt.datetime | None:
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def _parse_row(row: list[str], columns: dict[str, int], now: dt.datetime) -> dict | str:
    """The incident's values, or the reason code the row is refused."""

    def cell(field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    local = _parse_time(cell("occurred_at"))
    if local is None or local.year < 2000:
        return "time"
    occurred = from_local(local)
    if occurred > now:
        return "future"
    try:
        lat, lon = float(cell("lat")), float(cell("lon"))
    except ValueError:
        return "position"
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "position"
    if not in_station_area(lat, lon):
        return "outside"
    kind, place = cell("kind"), cell("place")
    if not kind or len(kind) > 60 or "\x00" in kind:
        return "kind"
    if len(place) > 200 or "\x00" in place:
        return "place"
    return {"occurred_at": occurred, "lat": round(lat, 6), "lon": round(lon, 6), "kind": kind, "place": place}


def import_csv(data: bytes, actor_id: int | None, now: dt.datetime) -> ImportResult:
    """Check every row first; import only when all are good (else nothing, and the reasons)."""
    result = ImportResult()
    text = decode(data)
    if text is None:
        result.errors.append((1, "encoding"))
        return result
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    except csv.Error:  # a field past the csv module's size limit, or a broken quote
        result.errors.append((1, "unreadable"))
        return result
    if not rows or not any(cell.strip() for cell in rows[0]):
        result.errors.append((1, "empty"))
        return result
    columns = _columns(rows[0])
    if columns is None:
        result.errors.append((1, "columns"))
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append((1, "too_many"))
        return result
    good: dict[tuple, dict] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        parsed = "fields" if len(row) != len(rows[0]) else _parse_row(row, columns, now)
        if isinstance(parsed, str):
            if len(result.errors) < MAX_REPORTED:
                result.errors.append((line, parsed))
            else:
                result.more_errors += 1
            continue
        good.setdefault((parsed["occurred_at"], parsed["lat"], parsed["lon"], parsed["kind"]), parsed)
    if result.errors:
        return result
    if not good:
        result.errors.append((1, "empty"))
        return result
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing(list(good))
    try:
        with db.session.begin_nested():  # another import adding the same rows at once: none of these
            for key, values in good.items():
                if key in existing:
                    result.already += 1
                    continue
                db.session.add(Incident(file_sha256=digest, imported_by_id=actor_id, **values))
                result.added += 1
            db.session.flush()
    except sa.exc.IntegrityError:
        return ImportResult(errors=[(1, "busy")])
    return result


def _existing(keys: list[tuple]) -> set[tuple]:
    """The natural keys already stored, read by the time range the file covers (indexed)."""
    if not keys:
        return set()
    rows = db.session.execute(
        sa.select(Incident.occurred_at, Incident.lat, Incident.lon, Incident.kind).where(
            Incident.occurred_at.between(min(k[0] for k in keys), max(k[0] for k in keys))
        )
    ).all()
    return {tuple(r) for r in rows}


def recent_summary(now: dt.datetime | None = None, days: int = 90) -> dict[str, int]:
    """How many incidents are stored, and how many fall in the suggestions' window."""
    since = (now or dt.datetime.now(dt.UTC).replace(tzinfo=None)) - dt.timedelta(days=days)
    return {
        "total": db.session.scalar(sa.select(sa.func.count(Incident.id))) or 0,
        "recent": db.session.scalar(
            sa.select(sa.func.count(Incident.id)).where(Incident.occurred_at >= since)
        )
        or 0,
    }
