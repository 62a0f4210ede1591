"""The weekly build: a cron job in the scheduler, a CLI command, and a button (views.py)."""

import datetime as dt
import time

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
    started = time.perf_counter()
    with unit_of_work():
        made, run = build.run_week(day)
    click.echo(banner(day, made, run, time.perf_counter() - started))


def banner(day: dt.date, made, run, seconds: float) -> str:
    """What the weekly job did, for the person at the terminal: a few plain lines in a box."""
    week = build.monday_of(day)
    lines = [f"Weekly patrol roster: week of {week.isoformat()}"]
    lines.append("Shifts: already made earlier" if made is None else f"Shifts generated: {len(made)}")
    if run is None:
        lines.append("Roster: already built for this week (open it to rebuild the draft)")
    else:
        lines.append(f"Patrols staffed: {run.staffed}/{run.wanted} (roster {run.id}, a draft to publish)")
        if run.gap is not None:
            lines.append(f"Within {run.gap * 100:.1f}% of the best possible coverage")
        else:
            lines.append(f"Solver: {run.solver_status}")
    lines.append(f"Time taken: {seconds:.1f} s")
    width = max(len(line) for line in lines)
    rule = "=" * (width + 4)
    return "\n".join([rule, *(f"| {line.ljust(width)} |" for line in lines), rule])


@signup_dropped.connect
def _refill_published(signup, promoted=None, **_kwargs):
    if signup.source == "roster" and promoted is None:
        build.refill(signup)
