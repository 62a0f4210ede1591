"""Timed work on rewards, and the books check."""

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from tipboard.cli import tipboard_cli
from tipboard.jobs import claim_run, scheduled
from tipboard.outbox import notify, register_message
from tipboard.rewards.books import check_books
from tipboard.rewards.services import expire_due
from tipboard.timezones import local_now

register_message(
    "rewards.expired",
    _l("Your reward has expired"),
    _l("The reward for your report %(code)s was not collected within %(days)s days and has expired."),
)
register_message(
    "rewards.approved",
    _l("You have a reward"),
    _l("Your report %(code)s earned a reward of %(amount)s. Choose how to collect it under My rewards."),
)


@scheduled("rewards.expire", "cron", hour=2, minute=15, misfire_grace_time=12 * 3600)
def expire_rewards() -> int:
    """Daily: release reservations of rewards nobody collected; tell named tipsters."""
    if not claim_run("rewards.expire", local_now().date().isoformat()):
        return 0
    expired = expire_due()
    for reward in expired:
        if reward.tip is not None and reward.tip.reporter is not None:
            notify(
                reward.tip.reporter,
                "rewards.expired",
                {"code": reward.tip.tracking_code, "days": current_app.config["REWARD_CLAIM_DAYS"]},
            )
    return len(expired)


@tipboard_cli.command("check-books")
def check_books_command():
    """Prove the budget rows agree with the ledger; exit 1 if they do not. Output in English, as
    every operator command's."""
    with force_locale("en"):
        problems = [str(problem) for problem in check_books()]
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo("books agree")
