"""Timed work on disputes: unanswered invitations close, follow-up questions, the judicial-confirmation reminder."""

from tipboard.disputes.followup import ask_due, remind_judicial
from tipboard.disputes.services import expire_invitations
from tipboard.disputes.sessions import send_reminders
from tipboard.jobs import claim_run, scheduled
from tipboard.timezones import local_now


@scheduled("disputes.consent_expiry", "cron", hour=8, minute=0, misfire_grace_time=12 * 3600)
def consent_expiry() -> int:
    """Daily: close cases whose other side did not answer within DISPUTE_CONSENT_DAYS."""
    if not claim_run("disputes.consent_expiry", local_now().date().isoformat()):
        return 0
    return expire_invitations()


@scheduled("disputes.followup", "cron", hour=10, minute=15, misfire_grace_time=12 * 3600)
def followup() -> int:
    """Daily: ask the parties at 7, 30 and 90 days after settling; remind them of judicial confirmation."""
    if not claim_run("disputes.followup", local_now().date().isoformat()):
        return 0
    return ask_due() + remind_judicial()


@scheduled("disputes.session_reminders", "interval", minutes=15, misfire_grace_time=900)
def session_reminders() -> int:
    """A day before each session; a conditional UPDATE makes each reminder go out once."""
    return send_reminders()
