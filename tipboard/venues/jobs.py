"""Timed work of the venue points: daily tally, weekly actions, monthly bulletin."""

import datetime as dt

from tipboard.jobs import claim_run, scheduled
from tipboard.timezones import local_now
from tipboard.venues.periodic import build_bulletin, daily_tally, weekly_actions


@scheduled("venues.tally", "cron", hour=23, minute=50, misfire_grace_time=6 * 3600)
def tally() -> int:
    """Daily (日统计): each venue's score at the end of the station day. Once per day."""
    day = local_now().date()
    if not claim_run("venues.tally", day.isoformat()):
        return 0
    return daily_tally(day)


@scheduled("venues.actions", "cron", day_of_week="mon", hour=7, minute=30, misfire_grace_time=12 * 3600)
def actions() -> int:
    """Weekly (周执行): propose the week's actions from the thresholds. Once per ISO week."""
    today = local_now().date()
    monday = today - dt.timedelta(days=today.weekday())
    if not claim_run("venues.actions", monday.isoformat()):
        return 0
    return weekly_actions(monday)


@scheduled("venues.bulletin", "cron", day=1, hour=7, minute=0, misfire_grace_time=24 * 3600)
def bulletin() -> int:
    """Monthly (月通报): the bulletin of the month that just ended. Once per month."""
    month = (local_now().date().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    if not claim_run("venues.bulletin", month):
        return 0
    return 1 if build_bulletin(month) is not None else 0
