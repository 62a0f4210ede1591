"""The cache (tipboard.caching): reference data memoised and cleared by the admin services, shared
through Redis between processes, and a Redis that fails or hangs skipped for a while."""

import socket
import threading
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import REDIS_URL, make_app, require_redis
from tests.factories import CategoryFactory
from tipboard import caching
from tipboard.admin.services import CATEGORY_FIELDS, save_category
from tipboard.extensions import db
from tipboard.tips.models import Category, Tip


def _category_in(app) -> int:
    """A new category committed through ``app`` (its own session, closed again); its id."""
    with app.app_context():
        category = CategoryFactory()
        db.session.commit()
        category_id = category.id
        db.session.remove()
    return category_id


def _tip_form(category_id: int, description: str = "Gas smell on stairs") -> dict:
    return {
        "category": str(category_id),
        "description": description,
        "address": "Old Street 7",
        "anonymous": "y",
    }


class HungRedis:
    """A server on 127.0.0.1 that accepts connections and never answers; counts what it is sent
    (each chunk: a command a client then waits on until its socket timeout)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.commands = 0
        self.connections: list[socket.socket] = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.commands += 1

    def close(self):
        self.stopped = True
        self.listener.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def hung_redis():
    server = HungRedis()
    yield server
    server.close()


def test_a_hung_redis_is_asked_once_then_skipped_and_healthz_says_degraded(databases, tmp_path, hung_redis):
    """Ten pages that read the categories after Redis hung cost one wait on it, not ten; /healthz
    reports "degraded" meanwhile, and "ok" again once the breaker's time is up and Redis answers."""
    url = databases.new(template=databases.template_arg(databases.pristine))
    app = make_app(url, tmp_path, REDIS_URL=f"redis://127.0.0.1:{hung_redis.port}/0")
    category_id = _category_in(app)
    client = app.test_client()
    for _ in range(10):
        page = client.get("/tips/new")
        assert page.status_code == 200 and f'value="{category_id}"' in page.data.decode()
    assert hung_redis.commands == 1
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"
    assert hung_redis.commands == 1  # skipped: not asked again
    response = client.post("/tips/new", data=_tip_form(category_id))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 1
        db.session.remove()
        db.engine.dispose()


def test_healthz_asks_a_hung_redis_itself(databases, tmp_path, hung_redis):
    app = make_app(databases.pristine, tmp_path, REDIS_URL=f"redis://127.0.0.1:{hung_redis.port}/0")
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "degraded"
    assert client.get("/healthz").get_json()["status"] == "degraded"
    assert hung_redis.commands == 1


def test_the_breaker_closes_after_its_time(databases, tmp_path, monkeypatch):
    require_redis()
    app = make_app(
        databases.pristine, tmp_path, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}:"
    )
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    with app.app_context():
        from tipboard.extensions import cache

        cache.cache.skip_until = caching.time.monotonic() + caching.BREAKER_SECONDS  # as after a failure
        assert client.get("/healthz").get_json()["status"] == "degraded"
        later = caching.time.monotonic() + caching.BREAKER_SECONDS + 1
        monkeypatch.setattr(caching.time, "monotonic", lambda: later)
        assert client.get("/healthz").get_json()["status"] == "ok"


def test_an_unreachable_redis_is_skipped_not_fatal(databases, tmp_path, caplog):
    """Rate limits and caches on a Redis that refuses connections: logged, and the tip is stored."""
    url = databases.new(template=databases.template_arg(databases.pristine))
    app = make_app(url, tmp_path, REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)
    category_id = _category_in(app)
    client = app.test_client()
    assert client.get("/tips/new").status_code == 200
    assert client.post("/tips/new", data=_tip_form(category_id)).status_code == 302
    assert "cache unavailable" in caplog.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 1
        db.session.remove()
        db.engine.dispose()


def test_redis_clients_give_up_within_half_a_second(databases, tmp_path):
    """A Redis that does not answer must not hold a request for a TCP timeout: the cache and the
    rate limits both use short socket timeouts."""
    from tipboard.extensions import cache

    app = make_app(databases.pristine, tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        options = cache.cache._write_client.connection_pool.connection_kwargs
        assert options["socket_connect_timeout"] == 0.5 and options["socket_timeout"] == 0.5
    assert app.config["RATELIMIT_STORAGE_OPTIONS"] == caching.REDIS_TIMEOUTS


def test_cache_keys_carry_the_database(app, tmp_path):
    assert app.config["CACHE_KEY_PREFIX"] == f"tipboard:{caching.database_tag(app)}:"
    other = make_app("sqlite:///" + str(tmp_path / "other.sqlite3"), tmp_path)
    assert other.config["CACHE_KEY_PREFIX"] != app.config["CACHE_KEY_PREFIX"]  # two sites, one Redis
    assert "other.sqlite3" not in other.config["CACHE_KEY_PREFIX"]


@pytest.fixture
def workers(databases, tmp_path):
    """Two apps on one Redis, as two workers of one site."""
    require_redis()
    import redis

    prefix = f"tipboard-test-{uuid.uuid4().hex[:8]}:"
    url = databases.new(template=databases.template_arg(databases.pristine))
    apps = [
        make_app(url, tmp_path / name, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix) for name in ("a", "b")
    ]
    yield apps
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_with_redis_a_category_an_admin_switches_off_in_one_worker_is_refused_by_the_other_at_once(workers):
    first, second = workers
    category_id = _category_in(first)
    client = second.test_client()
    assert client.post("/tips/new", data=_tip_form(category_id)).status_code == 302  # memoised now
    with first.app_context():
        category = db.session.get(Category, category_id)
        save_category(
            category, {**{name: getattr(category, name) for name in CATEGORY_FIELDS}, "active": False}
        )
        db.session.commit()
        db.session.remove()
    response = client.post("/tips/new", data=_tip_form(category_id, "Sent after the switch"))
    assert response.status_code == 400
    with second.app_context():
        descriptions = db.session.scalars(sa.select(Tip.description)).all()
        db.session.remove()
    assert descriptions == ["Gas smell on stairs"]
