"""Timed work on the tip side."""
from tipboard.extensions import db
from tipboard.jobs import scheduled
from tipboard.tips.services import expire_pending


@scheduled("tips.expire_pending", "cron", hour=3, minute=30, misfire_grace_time=6 * 3600)
def expire_pending_uploads() -> int:
    """Delete photos of forms that were never sent (older than a day). Idempotent by nature."""
    removed = expire_pending()
    db.session.commit()
    return removed
