"""The weekly build: a cron job in the scheduler, a CLI command, and a button (views.py)."""

import datetime as dt

import click

from tipboard.events import signup_dropped
from tipboard.flow import unit_of_work
from tipboard.jobs import scheduled
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
    """Sunday evening: next week's shifts from the templates, then its roster (each only once)."""
    week = build.next_week()
    made, run = build.run_week(week)
    return _summary(week, made, run)


def _summary(week: dt.date, made, run) -> str:
    shifts = "shifts already made" if made is None else f"{len(made)} shifts made"
    if run is None:
        return f"week of {build.monday_of(week)}: {shifts}; roster already built"
    within = (
        f"within {run.gap * 100:.2f}% of the best possible coverage"
        if run.gap is not None
        else run.solver_status
    )
    return (
        f"week of {run.week}: {shifts}; roster {run.id}: {run.staffed}/{run.wanted} patrols staffed, "
        f"coverage {run.coverage_pct}% ({within}), Jain {run.jain}"
    )


@bp.cli.command("build")
@click.option("--week", "week", required=True, help="Any day of the week to build (YYYY-MM-DD).")
def build_command(week: str):
    """Make one week's shifts from the templates and build its roster (each once; see the guard)."""
    try:
        day = dt.date.fromisoformat(week)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc
    with unit_of_work():
        made, run = build.run_week(day)
    click.echo(_summary(day, made, run))


@signup_dropped.connect
def _refill_published(signup, promoted=None, **_kwargs):
    if signup.source == "roster" and promoted is None:
        build.refill(signup)
