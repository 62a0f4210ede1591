"""Timed work on the queue: escalation of overdue items to the duty leader."""

from tipboard.jobs import claim_run, scheduled
from tipboard.moderation.escalation import escalate_overdue
from tipboard.timezones import local_now


@scheduled("moderation.escalate", "cron", minute=5, misfire_grace_time=1800)
def escalate() -> int:
    """Hourly: escalate overdue items to the duty leader. Runs once per station hour; each deadline
    of each item is escalated once (a unique row), whichever run finds it."""
    if not claim_run("moderation.escalate", local_now().strftime("%Y-%m-%dT%H")):
        return 0
    return escalate_overdue()
