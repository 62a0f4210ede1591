"""Timed work for legal help: questions past their target, reminders, the coming weeks' slots."""

from __future__ import annotations

import datetime as dt

from tipboard.database import utcnow
from tipboard.jobs import claim_run, scheduled
from tipboard.legal.office import make_slots, send_reminders
from tipboard.legal.overdue import raise_overdue
from tipboard.timezones import local_now


def _quarter(now: dt.datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:") + f"{now.minute - now.minute % 15:02d}"


@scheduled("legal.overdue", "interval", minutes=15, misfire_grace_time=900)
def overdue(now: dt.datetime | None = None) -> int:
    """Raises the questions past their target; once per quarter hour (and each question once)."""
    now = now or utcnow()
    if not claim_run("legal.overdue", _quarter(now)):
        return 0
    return raise_overdue(now)


@scheduled("legal.reminders", "interval", minutes=15, misfire_grace_time=900)
def reminders(now: dt.datetime | None = None) -> int:
    """The day-before reminder of each booking; once per quarter hour (and each booking once)."""
    now = now or utcnow()
    if not claim_run("legal.reminders", _quarter(now)):
        return 0
    return send_reminders(now)


@scheduled("legal.slots", "cron", hour=2, minute=30)
def slots() -> int:
    """Dated office-hour slots for the coming weeks; once a day."""
    if not claim_run("legal.slots", local_now().date().isoformat()):
        return 0
    return make_slots()
