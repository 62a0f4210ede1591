"""The app's cache: Flask-Caching, on Redis when ``TIPBOARD_REDIS_URL`` is set, else in each process.

It holds only reference data that many pages read (the active categories, the grids), memoised by
the function that reads them and cleared by the admin services that change them
(``cache.delete_memoized``); pages themselves are never cached. A Redis that fails is skipped for
BREAKER_SECONDS (reads go to the database) instead of costing every request its timeout, and
``/healthz`` answers "degraded" meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

import redis.exceptions
from flask_caching.backends.rediscache import RedisCache

from tipboard.extensions import cache

log = logging.getLogger(__name__)

# A Redis that does not answer costs one call half a second, not a TCP timeout.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
# After a failure Redis is left alone this long: the cache answers "nothing cached".
BREAKER_SECONDS = 30
# How long a memoised value lives: bounds what a clear lost to a race or an outage leaves behind.
REFERENCE_SECONDS = 60


class GuardedRedisCache(RedisCache):
    """Flask-Caching's Redis backend with a circuit breaker: a call that fails (timeout, refused
    connection) is logged once and opens the breaker; while it is open every call answers as an
    empty cache would, without a round trip."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skip_until = 0.0  # time.monotonic() until which Redis is not asked
        self._lock = threading.Lock()

    def skipping(self) -> bool:
        return time.monotonic() < self.skip_until

    def _guarded(self, name: str, empty, *args, **kwargs):
        if self.skipping():
            return empty
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (OSError, redis.exceptions.RedisError) as exc:
            with self._lock:
                if not self.skipping():
                    log.warning("cache unavailable (%s); skipped for %d s", exc, BREAKER_SECONDS)
                self.skip_until = time.monotonic() + BREAKER_SECONDS
            return empty

    def get(self, key):
        return self._guarded("get", None, key)

    def get_many(self, *keys):
        return self._guarded("get_many", [None] * len(keys), *keys)

    def has(self, key):
        return self._guarded("has", False, key)

    def set(self, key, value, timeout=None):
        return self._guarded("set", False, key, value, timeout)

    def add(self, key, value, timeout=None):
        return self._guarded("add", False, key, value, timeout)

    def set_many(self, mapping, timeout=None):
        return self._guarded("set_many", [], mapping, timeout)

    def delete(self, key):
        return self._guarded("delete", False, key)

    def delete_many(self, *keys):
        return self._guarded("delete_many", [], *keys)

    def unlink(self, *keys):
        return self._guarded("unlink", None, *keys)

    def clear(self):
        return self._guarded("clear", False)

    def inc(self, key, delta=1):
        return self._guarded("inc", None, key, delta)

    def dec(self, key, delta=1):
        return self._guarded("dec", None, key, delta)


def configure(app) -> None:
    """Cache settings from the app's config (called by create_app before ``cache.init_app``)."""
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "tipboard.caching.GuardedRedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        app.config.setdefault("CACHE_OPTIONS", dict(REDIS_TIMEOUTS))
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    # Two sites (a station and its training copy) sharing a Redis never read each other's values.
    app.config.setdefault("CACHE_KEY_PREFIX", f"tipboard:{database_tag(app)}:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", REFERENCE_SECONDS)


def database_tag(app) -> str:
    """A short digest naming the app's database (its URL; the digest keeps any password out)."""
    return hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:8]


def redis_skipped() -> bool:
    """True while the breaker keeps a failed Redis out. Asks Redis once (a cheap read) if it is
    not skipped yet, so a hung Redis shows here before any page has tried it."""
    backend = cache.cache
    if not isinstance(backend, GuardedRedisCache):
        return False
    if not backend.skipping():
        backend.has("healthz")
    return backend.skipping()


def clear() -> None:
    """Empty the app's cache (tests, after rolling back what it was filled from)."""
    cache.clear()
