"""Short-lived caches of expensive reads, dropped when what they were computed from changes.

The cache is Flask-Caching's: Redis when ``TIPBOARD_REDIS_URL`` is set (shared by every worker and
host), otherwise a cache in each process. Each cached read belongs to a *generation*: a random token
in the cache that is replaced after every commit that changed one of the models the generation
watches (:func:`watch`), so the next read computes afresh under a new key. Every entry also expires after
its timeout, which bounds how stale another process can be where no shared cache carries the new
generation to it, and how stale anything that depends on the clock can be; one reader then
computes it afresh while the others are served the last value (no stampede of workers computing
the same thing at once).

With Redis, each process also keeps the values it read or computed lately in its own memory
(:class:`LocalTier`), under the same keys. A key names the generations' tokens, which every
request reads from Redis once anyway, so a local copy is used exactly as long as the shared one
would be: coherent across workers, but a cached page costs no round trip per value. A value
computed by one worker is fetched once by each other worker instead of computed again.

A cache that fails (Redis down) is logged and skipped: the read is computed as if nothing were
cached, so the page stays up and merely gets slower.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import logging
import pickle  # nosec B403 - only values this app pickled itself, read back from its own cache
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy.orm import Session

from tipboard.extensions import cache, db

log = logging.getLogger(__name__)

CACHE_ERRORS: tuple[type[BaseException], ...] = (OSError,)
try:  # redis is a runtime dependency; its errors are not OSErrors
    import redis.exceptions

    CACHE_ERRORS += (redis.exceptions.RedisError,)
except ImportError:  # pragma: no cover
    pass

_WATCHED: dict[type, set[str]] = {}  # model class -> the generations its changes end
_PENDING = "tipboard.caching.changed"  # session.info key: generations to bump at commit
_TOKENS = "tipboard.caching.tokens"  # session.info key: the generations when the transaction began
_UNBUMPED: set[str] = set()  # generations this process failed to bump (cache down)
_EARLY = "tipboard_caching_early"  # flask.g: generations read in this request before its transaction


# A Redis that does not answer must cost a request half a second, not a TCP timeout: every
# transaction reads its generations, and the read is then skipped (see module docstring).
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
# How long a value past its time may still be served while one reader computes it afresh (and
# how long that reader's claim lasts, should it never finish).
REFRESH_SECONDS = 10


class LocalTier:
    """The latest values a process read from or stored in a shared cache, by full key, each
    with the time it is fresh until (a local copy is never used longer than the shared one).
    Kept pickled, as the shared cache keeps them: every reader gets its own copy to change as it
    likes. At most ``max_bytes`` of them, the least recently used dropped first (a rendered queue
    page is tens of KB; a worker's memory is budgeted); thread-safe (``flask run`` threads)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0  # bytes held
        self._entries: collections.OrderedDict[str, tuple[float, bytes]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, now: float) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= now:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, fresh_until: float, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (fresh_until, data)
            self.size += len(data)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        self.size -= len(self._entries.pop(key)[1])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)


def configure(app) -> None:
    """Cache settings from the app's config (called by create_app before ``cache.init_app``)."""
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        app.config.setdefault("CACHE_OPTIONS", dict(REDIS_TIMEOUTS))
        # Bytes of values kept in each process's memory in front of Redis (0: none); see LocalTier.
        app.config.setdefault("CACHE_LOCAL_BYTES", 8 * 1024 * 1024)
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
        app.config.setdefault("CACHE_LOCAL_BYTES", 0)  # the cache is this process's memory already
    app.extensions["tipboard_local_cache"] = LocalTier(app.config["CACHE_LOCAL_BYTES"])
    # Keys carry the code's version: values pickled by another release (a deploy in progress, or
    # rows whose class has since changed) are never read back by this one. And the database's:
    # two sites (a station and its training copy, say) sharing a Redis never read each other's.
    app.config.setdefault("CACHE_KEY_PREFIX", f"tipboard:{code_version()}:{database_tag(app)}:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 60)


def database_tag(app) -> str:
    """A short digest naming the app's database (its URL; the digest keeps any password out)."""
    return hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:8]


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A short digest of the package's Python files and the templates."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *(package.parent / "templates").rglob("*.html")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def watch(model: type, generation: str) -> None:
    """Changes to ``model`` (ORM flushes and ORM-enabled INSERT/UPDATE/DELETE statements) end
    ``generation`` when their transaction commits."""
    _WATCHED.setdefault(model, set()).add(generation)


def generation(name: str) -> str | None:
    """The current generation token of ``name``; None when the cache cannot be reached."""
    return generations([name])[name]


def generations(names: list[str]) -> dict[str, str | None]:
    """The current tokens of several generations in one round trip (a token is made for one that
    has none yet); None for each when the cache cannot be reached. Once the cache answers again,
    the bumps this process could not make while it was down are made first."""
    keys = [f"gen:{name}" for name in names]
    try:
        tokens = dict(zip(names, cache.get_many(*keys)))
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable (%s); reading %s uncached", exc, ", ".join(names))
        return dict.fromkeys(names)
    if _UNBUMPED:
        # None for those that failed again: then they are read uncached
        for name, token in bump_many(sorted(_UNBUMPED)).items():
            if name in tokens:
                tokens[name] = token
    try:
        for name, key in zip(names, keys):
            if tokens[name] is None and name not in _UNBUMPED:
                cache.add(key, secrets.token_hex(8), timeout=0)  # only if still missing
                tokens[name] = cache.get(key)
        return tokens
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable (%s); reading %s uncached", exc, ", ".join(names))
        return dict.fromkeys(names)


def bump(name: str) -> str | None:
    """End the current generation of ``name``: reads cached under it are not used again. A new
    random token (returned; None if the cache is down), so two processes bumping at once both end
    the old one."""
    return bump_many([name])[name]


def bump_many(names: list[str]) -> dict[str, str | None]:
    """:func:`bump` for several generations in one round trip (a commit that changed several)."""
    if has_request_context():
        g.pop(_EARLY, None)  # read before these bumps
    tokens = {name: secrets.token_hex(8) for name in names}
    try:
        cache.set_many({f"gen:{name}": token for name, token in tokens.items()}, timeout=0)
    except CACHE_ERRORS as exc:
        # Entries of the old generation could be read again once the cache is back: this process
        # bumps again as soon as the cache answers (generations), the entries' timeouts bound the rest.
        _UNBUMPED.update(names)
        log.warning("cache unavailable (%s); %s not bumped yet", exc, ", ".join(names))
        return dict.fromkeys(names)
    _UNBUMPED.difference_update(names)
    return tokens


def _all_watched() -> list[str]:
    return sorted({gen for gens in _WATCHED.values() for gen in gens})


def _tokens_outside_a_transaction(names: list[str]) -> dict[str, str | None]:
    """Tokens for reads made before the session's transaction begins. In a request every
    watched generation is read at the first such read (one round trip) and kept for the rest of
    them and for the transaction that follows (:func:`_after_begin`), until a commit or bump;
    outside requests (CLI, jobs), just ``names``, each time."""
    if not has_request_context():
        return generations(names)
    early = g.get(_EARLY)
    if early is None or not all(name in early for name in names):
        early = generations(sorted({*_all_watched(), *names}))
        if None in early.values():  # the cache is down: nothing worth keeping
            return {name: early[name] for name in names}
        g.setdefault(_EARLY, {}).update(early)
    return {name: early[name] for name in names}


def remember(
    name: str | tuple[str, ...], key: str, compute: Callable[[], Any], timeout: int | None = None
) -> Any:
    """The value of ``compute()`` cached under ``name``'s current generation and ``key``, for
    ``timeout`` seconds (the app's CACHE_DEFAULT_TIMEOUT if None; 0: until the generation ends).
    A value computed from what several generations watch names them all (a tuple): a change to
    any of them ends it.

    When a value's time is up, the first reader computes it afresh; readers meanwhile (other
    workers) get the last value for as long as that takes (at most REFRESH_SECONDS), instead of
    all computing it at once. A new generation is never served an old value.

    The generation is the one read when the session's transaction began, before its first query:
    a SQLite read transaction sees the data of that moment however long it lasts, so a generation
    read later could already belong to a commit this transaction cannot see. And nothing is read
    from or stored in the cache while the transaction holds changes of its own to what ``name``
    watches, flushed or not, nor when ``compute()`` flushed some (autoflush): the value holds data
    that a rollback would leave never committed."""
    names = (name,) if isinstance(name, str) else name
    label = "+".join(names)
    session = db.session()
    tokens = session.info.get(_TOKENS) or {}
    missing = [n for n in names if n not in tokens]
    gens = {
        **{n: tokens[n] for n in names if n in tokens},
        **(_tokens_outside_a_transaction(missing) if missing else {}),
    }
    if None in gens.values() or _changed_here(session, names):
        return compute()
    full_key = "".join(f"{n}:{gens[n]}:" for n in names) + key
    local: LocalTier = current_app.extensions["tipboard_local_cache"]
    now = time.time()
    data = local.get(full_key, now)
    if data is not None:
        return pickle.loads(data)  # nosec B301 - pickled below, by this app
    try:
        found = cache.get(full_key)
        if found is not None:
            fresh_until, data = found
            if fresh_until > now:
                local.put(full_key, fresh_until, data)
                return pickle.loads(data)  # nosec B301 - pickled below, by this app
            if not cache.add(f"refresh:{full_key}", 1, timeout=REFRESH_SECONDS):
                return pickle.loads(data)  # nosec B301 - another reader is computing it afresh
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable (%s); reading %s uncached", exc, label)
        return compute()
    try:
        value = compute()
    finally:
        if found is not None:
            _forget(f"refresh:{full_key}", label)
    if _changed_here(session, names):  # compute()'s queries flushed this transaction's own changes
        return value
    if timeout is None:
        timeout = current_app.config["CACHE_DEFAULT_TIMEOUT"]
    fresh_until = time.time() + timeout if timeout else float("inf")
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        # Kept REFRESH_SECONDS longer than it is fresh: the last value while one reader refreshes it.
        cache.set(full_key, (fresh_until, data), timeout=timeout + REFRESH_SECONDS if timeout else 0)
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable (%s); %s not stored", exc, label)
        return value
    local.put(full_key, fresh_until, data)
    return value


def _forget(key: str, label: str) -> None:
    try:
        cache.delete(key)
    except CACHE_ERRORS as exc:
        log.warning("cache unavailable (%s); %s refresh mark left to expire", exc, label)


def clear() -> None:
    """Empty the app's cache and this process's copies of it (generations included)."""
    cache.clear()
    current_app.extensions["tipboard_local_cache"].clear()


def _changed_here(session: Session, names: tuple[str, ...]) -> bool:
    """This transaction changed what one of ``names`` watches: flushed, or waiting in the session."""
    if not session.info.get(_PENDING, set()).isdisjoint(names):
        return True
    return any(
        not _WATCHED.get(type(obj), set()).isdisjoint(names)
        for obj in (*session.new, *session.dirty, *session.deleted)
    )


def _note(session: Session, models) -> None:
    for model in models:
        for gen in _WATCHED.get(model, ()):
            session.info.setdefault(_PENDING, set()).add(gen)


@sa.event.listens_for(Session, "after_begin")
def _after_begin(session: Session, transaction, _connection) -> None:
    # Before the transaction's first statement: the generations its reads will be cached under.
    # Read before it in this request (and not since ended by a commit) is as good: reads cached
    # under older tokens are only older, never newer, than what the transaction sees.
    if _WATCHED and not transaction.nested and has_app_context():
        early = g.pop(_EARLY, None) if has_request_context() else None
        session.info[_TOKENS] = early if early is not None else generations(_all_watched())


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    if _WATCHED:
        _note(session, {type(obj) for obj in (*session.new, *session.dirty, *session.deleted)})


@sa.event.listens_for(Session, "do_orm_execute")
def _on_statement(state) -> None:
    if _WATCHED and (state.is_insert or state.is_update or state.is_delete):
        _note(state.session, {mapper.class_ for mapper in state.all_mappers})


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # SQLAlchemy also calls this when a savepoint (begin_nested) is released: nothing is committed
    # yet, and a generation bumped now could be refilled from the old data before the real commit.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, ())
    if pending:
        bump_many(sorted(pending))


@sa.event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # Only the outermost transaction's end forgets what is pending (bumped above if it committed):
    # a savepoint rolled back (one refused item of a bulk action) must not drop what the same
    # transaction changed before it.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_TOKENS, None)
