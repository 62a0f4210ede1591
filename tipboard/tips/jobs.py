"""Timed work on the tip side."""

from tipboard.jobs import claim_run, scheduled
from tipboard.timezones import local_now
from tipboard.tips.followup import ask_due_followups
from tipboard.tips.services import expire_pending, remove_orphan_photos


@scheduled("tips.expire_pending", "cron", hour=3, minute=30, misfire_grace_time=6 * 3600)
def expire_pending_uploads() -> int:
    """Delete photos of forms that were never sent (older than a day). Idempotent by nature."""
    return expire_pending()


@scheduled("tips.orphan_photos", "cron", hour=4, minute=0, misfire_grace_time=12 * 3600)
def sweep_orphan_photos() -> int:
    """Daily: delete photo files older than a day that no row names (a worker killed mid-upload)."""
    if not claim_run("tips.orphan_photos", local_now().date().isoformat()):
        return 0
    return remove_orphan_photos()


@scheduled("tips.followup", "cron", hour=10, minute=0, misfire_grace_time=12 * 3600)
def followup_visits() -> int:
    """Daily: ask reporters of tips resolved FOLLOWUP_DAYS ago. Runs once per station day."""
    if not claim_run("tips.followup", local_now().date().isoformat()):
        return 0
    return ask_due_followups()
