"""Times are stored as naive UTC and shown in the station's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def station_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["STATION_TIMEZONE"])


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(station_tz())


def from_local(value: dt.datetime) -> dt.datetime:
    """A naive wall-clock time in the station's zone, as naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=station_tz())
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def local_now() -> dt.datetime:
    return dt.datetime.now(station_tz())
