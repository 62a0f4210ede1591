"""The weekly build: a cron job in the scheduler, a CLI command, and a button (views.py)."""

import datetime as dt

import click

from tipboard.flow import unit_of_work
from tipboard.jobs import scheduled
from tipboard.patrols.shifts import signup_dropped
from tipboard.roster import bp, build


@scheduled(
    "roster.build",
    "cron",
    config_key="ROSTER_CRON",
    day_of_week="sun",
    hour=18,
    minute=0,
    misfire_grace_time=6 * 3600,
)
def weekly_build():
    """Sunday evening: next week's roster (a no-op if it was built already)."""
    run = build.build_week(build.next_week())
    return run.id if run else "already built"


@bp.cli.command("build")
@click.option("--week", "week", required=True, help="Any day of the week to build (YYYY-MM-DD).")
def build_command(week: str):
    """Build the roster of one week (once; see the run-once guard)."""
    try:
        day = dt.date.fromisoformat(week)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc
    with unit_of_work():
        run = build.build_week(day)
    if run is None:
        click.echo(f"the roster for the week of {build.monday_of(day)} was already built; nothing done")
        return
    click.echo(
        f"roster {run.id} for {run.week}: {run.solver_status}, coverage {run.coverage_pct}%, "
        f"{run.staffed}/{run.wanted} patrols staffed, gap {run.gap}, Jain {run.jain}"
    )


@signup_dropped.connect
def _refill_published(signup, promoted=None, **_kwargs):
    if signup.source == "roster" and promoted is None:
        build.refill(signup)
