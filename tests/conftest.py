"""Test set-up: one migrated database per run, a rolled-back transaction per test.

The suite runs on SQLite by default and on PostgreSQL with ``TIPBOARD_TEST_DB=postgresql``
(``make test`` runs both). The schema is built by the migrations, never by ``create_all``.
Tests that need real commits from several threads or processes use ``fresh_app``: a separate
database copied from the pristine migrated one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FsaSession
from sqlalchemy.orm import scoped_session, sessionmaker

from tipboard import caching, create_app
from tipboard.extensions import db, limiter
from tipboard.i18n import compile_catalogues

BACKEND = os.environ.get("TIPBOARD_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "TIPBOARD_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running (still run by make test)")
    config.addinivalue_line("markers", "postgresql_only: needs PostgreSQL")
    config.addinivalue_line(
        "markers", "own_database: the test makes its own app and database (no shared transaction)"
    )
    if BACKEND == "postgresql":
        try:
            engine = sa.create_engine(PG_ADMIN_URL)
            with engine.connect():
                pass
            engine.dispose()
        except Exception as exc:
            if os.environ.get("CI"):
                pytest.exit(f"PostgreSQL is required under CI and not reachable: {exc}", returncode=1)
            pytest.exit(
                f"PostgreSQL not reachable at {PG_ADMIN_URL}; skipping the PostgreSQL run.", returncode=0
            )
    if not hasattr(config, "workerinput"):  # once, before any pytest-xdist worker starts
        compile_catalogues()


# Tests that share something outside their own databases run on one pytest-xdist worker, in
# order (``--dist loadgroup``): the browser tests share one live server and one chromium; the
# gunicorn fleets (a master and 2-4 workers each) boot one at a time rather than on every core.
XDIST_GROUPS = {
    "tests/e2e/": "e2e",
    "tests/production/test_kill.py": "gunicorn",
    "tests/production/test_gunicorn.py": "gunicorn",
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        for prefix, group in XDIST_GROUPS.items():
            if item.nodeid.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
    if BACKEND != "postgresql":
        skip = pytest.mark.skip(reason="PostgreSQL only; runs in the PostgreSQL pass of make test")
        for item in items:
            if "postgresql_only" in item.keywords:
                item.add_marker(skip)


class _Databases:
    """Creates databases for the run and drops them afterwards."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.created: list[str] = []
        self.pristine: str | None = None

    def _admin(self):
        return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def new(self, template: str | None = None) -> str:
        if BACKEND == "postgresql":
            name = f"tipboard_test_{uuid.uuid4().hex[:12]}"
            engine = self._admin()
            with engine.connect() as conn:
                suffix = f" TEMPLATE {template}" if template else ""
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
            engine.dispose()
            self.created.append(name)
            return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        path = self.tmp / f"{uuid.uuid4().hex[:12]}.sqlite3"
        if template:
            shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    def template_arg(self, url: str) -> str:
        return url.rsplit("/", 1)[1] if BACKEND == "postgresql" else url.removeprefix("sqlite:///")

    def drop_all(self) -> None:
        if BACKEND != "postgresql":
            return
        engine = self._admin()
        with engine.connect() as conn:
            for name in self.created:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def make_app(url: str, tmp: Path, **overrides):
    settings = {"DATABASE_URL": url, "PHOTO_DIR": str(tmp / "photos"), "INSTANCE_DIR": str(tmp)}
    settings.update(overrides)
    application = create_app("test", overrides=settings)
    # Flask-Limiter keeps its storage and its "storage is down" flag on the one module-level limiter
    # that every test app shares (a server has one app); a new app starts with its storage alive.
    limiter._storage_dead = False

    @application.before_request
    def _forget_cached_user():
        # A request made while the test holds an app context (``app_ctx``) reuses that context
        # and its ``g``; drop what Flask-Login, Flask-Babel and Flask-WTF kept there so every
        # request computes its own user, language and CSRF token.
        for name in ("_login_user", "_flask_babel", "csrf_token"):
            g.pop(name, None)

    return application


REDIS_URL = os.environ.get("TIPBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> str:
    """The test Redis's URL; a skip with one clear line where it is absent, a failure under CI."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required under CI and not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = _Databases(tmp_path_factory.mktemp("db"))
    pristine_url = dbs.new()
    app = make_app(pristine_url, tmp_path_factory.mktemp("pristine"))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    dbs.pristine = pristine_url
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def app(databases, tmp_path_factory):
    url = databases.new(template=databases.template_arg(databases.pristine))
    application = make_app(url, tmp_path_factory.mktemp("instance"))
    yield application
    with application.app_context():
        db.engine.dispose()


class _ConnectionBoundSession(FsaSession):
    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test runs in a transaction that is rolled back; commits become savepoints."""
    if "fresh_app" in request.fixturenames or request.node.get_closest_marker("own_database"):
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        factory = sessionmaker(
            class_=_ConnectionBoundSession, db=db, bind=connection, join_transaction_mode="create_savepoint"
        )
        db.session = scoped_session(factory, scopefunc=original.registry.scopefunc)
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            caching.clear()  # what was cached came from the rolled-back data
    app.extensions.pop("outbox_sent", None)


@pytest.fixture
def fresh_app(databases, tmp_path):
    """An app on its own new database where commits are real (concurrency tests)."""
    url = databases.new(template=databases.template_arg(databases.pristine))
    application = make_app(url, tmp_path)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app):
    """A test client that reads English unless a test asks for another language."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(app_ctx):
    """``login(client, user)`` signs a test client in as ``user`` without a password round trip."""
    from tipboard.auth.services import start_login_session

    def _login(test_client, user):
        token = start_login_session(user).token
        db.session.commit()
        with test_client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True
        return test_client

    return _login


@pytest.fixture
def users(app_ctx):
    """One user per role, with the demo-style login names."""
    from tests.factories import UserFactory
    from tipboard.permissions import Role

    made = {role.value: UserFactory(username=role.value, roles=(role,)) for role in Role}
    db.session.flush()
    return made
