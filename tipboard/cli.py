"""``flask --app wsgi tipboard ...``: demo data, the scheduler, jobs by hand, translations."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from tipboard.backup import backup, restore
from tipboard.demo import load_demo
from tipboard.flow import unit_of_work
from tipboard.i18n import compile_catalogues, update_catalogues
from tipboard.jobs import JOBS, SchedulerAlreadyRunning, make_trigger, run_scheduler

tipboard_cli = AppGroup("tipboard", help="tipboard administration.")
i18n_cli = AppGroup("i18n", help="Translation catalogues.")
tipboard_cli.add_command(i18n_cli)


@tipboard_cli.command("demo")
def demo_command():
    """Load the demo data (idempotent) and print the demo accounts."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is not allowed in this configuration")
    with unit_of_work():
        accounts = load_demo()
    click.echo("Demo accounts (login / password):")
    for login, password in accounts:
        click.echo(f"  {login:<11} {password}")


@tipboard_cli.command("scheduler")
def scheduler_command():
    """Run the scheduler process (exactly one per database)."""
    try:
        run_scheduler(current_app._get_current_object())
    except SchedulerAlreadyRunning as exc:
        raise click.ClickException(f"not starting a second scheduler: {exc}") from exc


@tipboard_cli.command("run-job")
@click.argument("job_id")
def run_job_command(job_id: str):
    """Run one scheduled job now, by its id (see `tipboard jobs`)."""
    if job_id not in JOBS:
        raise click.ClickException(f"unknown job {job_id!r}; known: {', '.join(sorted(JOBS))}")
    result = JOBS[job_id].run()
    click.echo(f"{job_id}: {result if result is not None else 'done'}")


@tipboard_cli.command("jobs")
def jobs_command():
    """List the scheduled jobs and their triggers."""
    for spec in sorted(JOBS.values(), key=lambda s: s.id):
        click.echo(f"{spec.id:<28} {make_trigger(current_app, spec)}")


@i18n_cli.command("update")
def i18n_update():
    """Extract messages from code and templates and merge them into the catalogues."""
    for name, missing in update_catalogues().items():
        click.echo(f"{name}: {len(missing)} untranslated")
        for msgid in missing:
            click.echo(f"    {msgid}")


@i18n_cli.command("compile")
def i18n_compile():
    """Build the .mo files from the .po catalogues."""
    click.echo(f"compiled {compile_catalogues()} catalogue(s)")


def init_app(app: Flask) -> None:
    app.cli.add_command(tipboard_cli)


@tipboard_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str):
    """Write a consistent backup (database and photos) to PATH (.tar.gz)."""
    manifest = backup(Path(path))
    click.echo(
        f"backup written to {path}: {sum(manifest['rows'].values())} rows, {len(manifest['photos'])} photos"
    )


@tipboard_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
def restore_command(path: str, yes: bool):
    """Replace the database and photos with the backup at PATH."""
    if not yes:
        click.confirm("This replaces every row and photo of this installation. Go on?", abort=True)
    manifest = restore(Path(path))
    click.echo(f"restored the backup of {manifest['created_at']}")
