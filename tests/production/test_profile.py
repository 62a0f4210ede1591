"""The production profile: backups, one scheduler, shared rate limits."""

import datetime as dt
import io
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import REDIS_URL, make_app, require_redis
from tests.factories import CategoryFactory, UserFactory
from tests.images import png
from tipboard.extensions import db
from tipboard.jobs import SchedulerAlreadyRunning, SchedulerLock, SingleSchedulerGuard
from tipboard.tips.models import Tip, TipPhoto


def _second_app(databases, tmp_path):
    url = databases.new(template=databases.template_arg(databases.pristine))
    return make_app(url, tmp_path / "second")


def test_backup_and_restore_bring_back_every_tip_photo_and_ledger_entry(fresh_app, databases, tmp_path):
    from tests.rewards.factories import BudgetFactory, FundFactory, RuleFactory
    from tipboard.backup import backup, restore
    from tipboard.permissions import Role
    from tipboard.rewards import services
    from tipboard.rewards.models import LedgerEntry
    from tipboard.timezones import local_now
    from tipboard.tips.workflow import TipAction, transition

    client = fresh_app.test_client()
    with fresh_app.app_context():
        category = CategoryFactory()
        RuleFactory(category_id=category.id)
        BudgetFactory(fund=FundFactory(code="hazard"), period=local_now().strftime("%Y-%m"))
        staff, boss = UserFactory(roles=(Role.STAFF,)), UserFactory(roles=(Role.SUPERVISOR,))
        db.session.commit()
        category_id = category.id
    for i in range(3):
        client.post(
            "/tips/new",
            content_type="multipart/form-data",
            data={
                "category": str(category_id),
                "description": f"backed-up tip {i}",
                "address": "Lane 1",
                "anonymous": "y",
                "photos": [(io.BytesIO(png()), "p.png")],
            },
        )
    with fresh_app.app_context():
        tip = db.session.scalars(sa.select(Tip)).first()
        transition(tip, TipAction.VERIFY, db.session.merge(staff))
        services.approve(services.reward_for_tip(tip.id), db.session.merge(boss), "backup-key-" + "x" * 10)
        db.session.commit()
        archive = tmp_path / "backup.tar.gz"
        manifest = backup(archive)
        expected = {
            "tips": db.session.scalar(sa.select(sa.func.count()).select_from(Tip)),
            "ledger": db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)),
            "photos": sorted(p.file_name for p in db.session.scalars(sa.select(TipPhoto))),
        }
    assert expected["tips"] == 3 and expected["ledger"] == 1 and len(manifest["photos"]) == 6

    other = _second_app(databases, tmp_path)
    with other.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0
        restore(archive)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == expected["tips"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == expected["ledger"]
        assert sorted(p.file_name for p in db.session.scalars(sa.select(TipPhoto))) == expected["photos"]
        for name in expected["photos"]:
            assert (Path(other.config["PHOTO_DIR"]) / name).stat().st_size > 0
        assert {t.description for t in db.session.scalars(sa.select(Tip))} == {
            f"backed-up tip {i}" for i in range(3)
        }
        from tipboard.rewards.books import check_books

        assert check_books() == []
        db.session.remove()
        db.engine.dispose()


def test_backup_cli(fresh_app, tmp_path):
    result = fresh_app.test_cli_runner().invoke(args=["tipboard", "backup", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 0 and "backup written" in result.output
    result = fresh_app.test_cli_runner().invoke(
        args=["tipboard", "restore", str(tmp_path / "b.tar.gz")], input="n\n"
    )
    assert result.exit_code != 0  # asked, and said no


def test_only_one_scheduler_per_database(fresh_app):
    first, second = SingleSchedulerGuard(fresh_app), SingleSchedulerGuard(fresh_app)
    second.owner = "other-host:1"
    first.acquire()
    try:
        with pytest.raises(SchedulerAlreadyRunning):
            second.acquire()
    finally:
        first.release()
    second.acquire()  # free again once the first one stopped
    second.release()


def test_a_dead_schedulers_lock_goes_stale(fresh_app):
    if fresh_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("on PostgreSQL the lock is a session advisory lock: it dies with its connection")
    with fresh_app.app_context():
        db.session.add(
            SchedulerLock(name="scheduler", owner="crashed-host:9", heartbeat_at=dt.datetime(2020, 1, 1))
        )
        db.session.commit()
    guard = SingleSchedulerGuard(fresh_app)
    guard.acquire()
    with fresh_app.app_context():
        assert db.session.get(SchedulerLock, "scheduler").owner == guard.owner
    guard.heartbeat()
    guard.release()


WORKER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tipboard import create_app
    app = create_app("test", overrides={{"DATABASE_URL": {db!r}, "RATELIMIT_ENABLED": True,
                                        "REDIS_URL": {redis!r}, "RATE_LOGIN_ADDRESS": "7 per hour",
                                        "RATE_LOGIN_ACCOUNT": "100 per minute",
                                        "RATELIMIT_KEY_PREFIX": {prefix!r},
                                        "RATELIMIT_STORAGE_OPTIONS": {{"socket_timeout": 10,
                                                                      "socket_connect_timeout": 10}},
                                        "SECRET_KEY": "shared-secret", "INSTANCE_DIR": {tmp!r},
                                        "PHOTO_DIR": {tmp!r}}})
    client = app.test_client()
    codes = [client.post("/auth/login", data={{"login": "nobody", "password": "x"}}).status_code for _ in range(5)]
    print(",".join(map(str, codes)))
""")


@pytest.mark.own_database
def test_rate_limits_are_shared_through_redis(databases, tmp_path):
    import redis

    require_redis()
    prefix = f"tipboard-test-{uuid.uuid4().hex[:8]}"  # this test's counts only; Redis is shared
    # The limit is per hour: a window starts at its first hit, and two cold processes on a loaded
    # machine may take more than a minute between them. Redis gets 10 s, not the app's 0.5 s after
    # which a limit lets the request through (a loaded machine is not a Redis outage).
    url = databases.new(template=databases.template_arg(databases.pristine))
    script = WORKER.format(
        root=str(Path(__file__).resolve().parents[2]),
        db=url,
        redis=REDIS_URL,
        tmp=str(tmp_path),
        prefix=prefix,
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    first, second = (r.stdout.strip().splitlines()[-1].split(",") for r in runs)
    assert first == ["400"] * 5  # five attempts, under the limit of seven
    # the second process sees the first one's count
    assert second == ["400", "400", "429", "429", "429"], runs[1].stderr[-2000:]
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
