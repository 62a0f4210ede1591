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
