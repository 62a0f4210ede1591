"""The scheduler process and the run-once guard every job takes.

Blueprints register their jobs with :func:`scheduled`. Exactly one scheduler process runs them
(``flask --app wsgi tipboard scheduler``); web workers never start APScheduler. A job is thin: it
takes its guard for the period it covers and calls a service; :meth:`JobSpec.run`, the one way the
scheduler and ``tipboard run-job`` start a job, makes that one transaction (a unit of work), so a
second scheduler, a restart or a manual run never does the same period twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import socket
import zlib
from collections.abc import Callable

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from tipboard.database import is_postgresql, utcnow
from tipboard.extensions import db
from tipboard.flow import unit_of_work

log = logging.getLogger("tipboard.jobs")


class JobRun(db.Model):
    """One run of one job for one period; the unique pair is the run-once guard."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(64))
    period: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    detail: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.UniqueConstraint("job", "period"),)


def _lock_key(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def claim_run(job: str, period: str, detail: str | None = None) -> bool:
    """Take the guard for (job, period) in the current transaction; False if it is taken.

    On PostgreSQL a transaction-scoped advisory lock is tried first, so a concurrent run gives up
    at once instead of waiting on the unique index.
    """
    bind = db.session.get_bind()
    if is_postgresql(bind):
        got = db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(job, period))))
        if not got:
            return False
    try:
        with db.session.begin_nested():
            db.session.add(JobRun(job=job, period=period, detail=detail))
    except IntegrityError:
        return False
    return True


@dataclasses.dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[], object]
    trigger: str  # "cron" or "interval"
    trigger_args: dict
    misfire_grace_time: int
    config_key: str | None = None  # a setting holding cron fields that override trigger_args

    def run(self) -> object:
        """Run the job in one transaction: its guard row and its work commit together, or neither."""
        with unit_of_work():
            return self.func()


JOBS: dict[str, JobSpec] = {}


def scheduled(
    job_id: str,
    trigger: str = "cron",
    *,
    misfire_grace_time: int = 3600,
    config_key: str | None = None,
    **trigger_args,
):
    """Register a function as a scheduled job (called inside an app context)."""

    def decorator(func):
        JOBS[job_id] = JobSpec(job_id, func, trigger, trigger_args, misfire_grace_time, config_key)
        return func

    return decorator


def _run(app: Flask, job_id: str) -> None:
    with app.app_context():
        try:
            JOBS[job_id].run()
        except Exception:  # a failed job must not stop the scheduler; it is logged and retried
            log.exception("job.failed id=%s", job_id)
        finally:
            db.session.remove()


def make_trigger(app: Flask, spec: JobSpec):
    tz = app.config["SCHEDULER_TIMEZONE"]
    args = dict(spec.trigger_args)
    if spec.config_key and app.config.get(spec.config_key):
        args.update(app.config[spec.config_key])
    if spec.trigger == "interval":
        return IntervalTrigger(timezone=tz, **args)
    return CronTrigger(timezone=tz, **args)


def build_scheduler(app: Flask, scheduler_class=BlockingScheduler):
    scheduler = scheduler_class(timezone=app.config["SCHEDULER_TIMEZONE"])
    for spec in JOBS.values():
        scheduler.add_job(
            _run,
            make_trigger(app, spec),
            args=(app, spec.id),
            id=spec.id,
            name=spec.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace_time,
            replace_existing=True,
        )
    return scheduler


# --- one scheduler per database ----------------------------------------------------------------


class SchedulerLock(db.Model):
    """The lock row of the SQLite profile: whoever holds a fresh heartbeat owns the scheduler."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(128))
    heartbeat_at: Mapped[dt.datetime]


SCHEDULER_LOCK_NAME = "scheduler"
HEARTBEAT_SECONDS = 30
STALE_AFTER_SECONDS = 120


def _owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class SchedulerAlreadyRunning(RuntimeError):
    pass


class SingleSchedulerGuard:
    """Held for the life of the scheduler process.

    PostgreSQL: a session-level advisory lock on a dedicated connection (released if the process
    dies). SQLite: a lock row whose heartbeat the holder refreshes; a row left by a dead process
    goes stale and can be taken over.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.owner = _owner_id()
        self._pg_connection = None

    def acquire(self) -> None:
        with self.app.app_context():
            engine = db.engine
            if is_postgresql(engine):
                conn = engine.connect()
                key = zlib.crc32(b"tipboard-scheduler")
                if not conn.scalar(sa.select(sa.func.pg_try_advisory_lock(key))):
                    conn.close()
                    raise SchedulerAlreadyRunning("another scheduler holds the PostgreSQL lock")
                conn.commit()
                self._pg_connection = conn
                return
            try:
                with unit_of_work():
                    self._take_lock_row()
            except IntegrityError as exc:
                raise SchedulerAlreadyRunning("another scheduler took the lock at the same moment") from exc

    def _take_lock_row(self) -> None:
        now = utcnow()
        stale = now - dt.timedelta(seconds=STALE_AFTER_SECONDS)
        row = db.session.get(SchedulerLock, SCHEDULER_LOCK_NAME)
        if row is None:
            db.session.add(SchedulerLock(name=SCHEDULER_LOCK_NAME, owner=self.owner, heartbeat_at=now))
        elif row.owner != self.owner and row.heartbeat_at > stale:
            raise SchedulerAlreadyRunning(f"scheduler {row.owner} is alive (heartbeat {row.heartbeat_at})")
        else:
            row.owner, row.heartbeat_at = self.owner, now

    def heartbeat(self) -> None:
        if self._pg_connection is not None:
            return
        with self.app.app_context():
            with unit_of_work():
                updated = db.session.execute(
                    sa.update(SchedulerLock)
                    .where(SchedulerLock.name == SCHEDULER_LOCK_NAME, SchedulerLock.owner == self.owner)
                    .values(heartbeat_at=utcnow())
                ).rowcount
            if not updated:
                log.error("scheduler.lock_lost owner=%s", self.owner)

    def release(self) -> None:
        if self._pg_connection is not None:
            # Unlock explicitly: closing only returns the connection to the pool, lock and all.
            self._pg_connection.scalar(
                sa.select(sa.func.pg_advisory_unlock(zlib.crc32(b"tipboard-scheduler")))
            )
            self._pg_connection.commit()
            self._pg_connection.close()
            self._pg_connection = None
            return
        with self.app.app_context(), unit_of_work():
            db.session.execute(
                sa.delete(SchedulerLock).where(
                    SchedulerLock.name == SCHEDULER_LOCK_NAME, SchedulerLock.owner == self.owner
                )
            )


def run_scheduler(app: Flask) -> None:
    guard = SingleSchedulerGuard(app)
    guard.acquire()
    scheduler = build_scheduler(app)
    scheduler.add_job(
        guard.heartbeat,
        IntervalTrigger(seconds=HEARTBEAT_SECONDS),
        id="_heartbeat",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=HEARTBEAT_SECONDS,
    )
    log.info("scheduler.start owner=%s jobs=%s", guard.owner, sorted(JOBS))
    try:
        scheduler.start()
    finally:
        guard.release()
