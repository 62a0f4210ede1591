"""gunicorn's preload_app: the app is loaded once in the master and workers are forked from it.
A forked worker must not reuse a database connection the master opened (check_production_safety
queries the database while the app loads)."""

import json
import os

import sqlalchemy as sa

from tipboard.extensions import db


def _backend_id() -> str:
    if db.engine.dialect.name == "postgresql":
        return str(db.session.scalar(sa.text("SELECT pg_backend_pid()")))
    return str(id(db.session.connection().connection.dbapi_connection))


def test_a_forked_worker_opens_its_own_connection(fresh_app):
    with fresh_app.app_context():
        parent = _backend_id()
        db.session.remove()  # back to the pool, as after the startup check
        assert db.engine.pool.checkedin() == 1
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the "worker"
        try:
            os.close(read)
            with fresh_app.app_context():
                inherited = db.engine.pool.checkedin()
                child = _backend_id()
                ok = db.session.scalar(sa.text("SELECT 1"))
                db.session.remove()
            os.write(write, json.dumps([inherited, child, ok]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        inherited, child, ok = json.loads(pipe.read())
    os.waitpid(pid, 0)
    assert inherited == 0 and ok == 1
    if fresh_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert child != parent  # its own server process, not the master's
    with fresh_app.app_context():
        assert _backend_id() == parent  # the parent's pooled connection was left open and working


def test_warm_up_compiles_every_template_and_loads_every_language(fresh_app):
    """gunicorn's master calls warm_up before forking: the workers start with the templates
    compiled and the catalogues loaded instead of each paying for them on its first requests."""
    from flask_babel import force_locale, gettext

    from tests.sqlcount import statements
    from tipboard.extensions import cache
    from tipboard.forms import wtforms_catalogue
    from tipboard.warmup import warm_up

    env = fresh_app.jinja_env
    env.cache.clear()
    wtforms_catalogue.cache_clear()
    with fresh_app.app_context():
        cache.set("probe", 1)
        with statements() as sent:
            loaded = warm_up(fresh_app)
        assert not sent  # the master holds no connection it would hand to its workers
        assert len(cache.cache._cache) == 1  # and writes nothing to the cache
    assert loaded["templates"] == len(env.list_templates()) > 50
    assert {key[1] for key in env.cache} >= {"tips/new.html", "base.html", "_macros.html"}
    assert loaded["languages"] == ["zh_Hans", "en"] and wtforms_catalogue.cache_info().currsize == 2
    with fresh_app.test_request_context("/"), force_locale("zh_Hans"):
        assert gettext("Report a hazard or tip") != "Report a hazard or tip"  # the catalogue is there
