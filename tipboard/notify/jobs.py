"""The outbox job: the one scheduler sends what is waiting every 30 seconds (worker.py)."""

from tipboard.jobs import scheduled
from tipboard.notify.worker import deliver_pending


@scheduled("outbox.deliver", "interval", seconds=30, misfire_grace_time=30)
def deliver_outbox() -> int:
    return deliver_pending()
