"""Timed work of the care register: overdue visits into the queue."""

from tipboard.care.services import queue_overdue
from tipboard.jobs import claim_run, scheduled
from tipboard.timezones import local_now


@scheduled("care.overdue", "cron", hour=8, minute=0, misfire_grace_time=12 * 3600)
def overdue_visits() -> int:
    """Daily: put people whose visit is overdue in the queue. Once per station day."""
    today = local_now().date()
    if not claim_run("care.overdue", today.isoformat()):
        return 0
    return queue_overdue(today)
