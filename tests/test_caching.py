"""Cached reads (tipboard.caching): the queue's facet counts are read once per generation, a
committed change to a queue item starts a new generation, and with Redis every process shares it."""

import time
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import REDIS_URL, make_app, require_redis
from tests.factories import CategoryFactory, GridFactory, TipFactory
from tests.sqlcount import get_counted
from tipboard import caching
from tipboard.extensions import db
from tipboard.moderation import listing
from tipboard.moderation.models import QueueItem


def _count_queries(sent):
    return [s for s in sent if "count(" in s.lower() and "queue_item" in s.lower()]


def test_queue_counts_are_read_once_until_a_queue_item_changes(client, app_ctx, users, login):
    from tipboard.tips.queue import enqueue_tip

    category = CategoryFactory()
    for i in range(3):
        enqueue_tip(TipFactory(category=category, description=f"cached {i}"))
    db.session.commit()
    login(client, users["staff"])
    first, sent = get_counted(client, f"/moderation/?category={category.id}")
    assert _count_queries(sent) and f"({3})" in first
    again, sent = get_counted(client, f"/moderation/?category={category.id}")
    assert not _count_queries(sent) and f"({3})" in again  # served from the cache

    enqueue_tip(TipFactory(category=category, description="one more"))
    db.session.commit()  # a new queue item: a new generation
    after, sent = get_counted(client, f"/moderation/?category={category.id}")
    assert _count_queries(sent) and f"({4})" in after and "one more" in after


def test_update_statements_and_rollbacks(app_ctx):
    flt = listing.QueueFilter(kinds=("tip",), status="all")
    db.session.add(QueueItem(kind="tip", subject_id=99_001, status="open", summary="x"))
    db.session.commit()
    before = caching.generation(listing.QUEUE_GENERATION)
    assert listing.cached_counts(flt)["status"] == {"open": 1}

    db.session.add(QueueItem(kind="tip", subject_id=99_002, status="open", summary="y"))
    db.session.flush()
    db.session.rollback()  # nothing changed for good: the generation stays
    assert caching.generation(listing.QUEUE_GENERATION) == before

    db.session.execute(sa.update(QueueItem).where(QueueItem.subject_id == 99_001).values(status="closed"))
    db.session.commit()  # an ORM UPDATE statement, not a flush, also ends the generation
    assert caching.generation(listing.QUEUE_GENERATION) != before
    assert listing.cached_counts(flt)["status"] == {"closed": 1}


def test_cached_counts_match_fresh_counts(app_ctx):
    for i, status in enumerate(["open", "open", "waiting", "closed"]):
        db.session.add(QueueItem(kind="tip", subject_id=98_000 + i, status=status, summary=str(i)))
    db.session.commit()
    flt = listing.QueueFilter(kinds=("tip",))
    assert listing.cached_counts(flt) == listing.counts(flt)
    assert listing.cached_counts(flt) == listing.counts(flt)  # the cached copy, still equal


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


@pytest.fixture
def workers(databases, tmp_path):
    """Two apps on one Redis, as two workers of one site (each has its own local tier)."""
    require_redis()
    import redis

    prefix = f"tipboard-test-{uuid.uuid4().hex[:8]}:"
    apps = [
        make_app(databases.pristine, tmp_path / name, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
        for name in ("a", "b")
    ]
    assert all(a.config["CACHE_TYPE"] == "RedisCache" for a in apps)
    yield apps
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_processes_share_the_cache_and_its_generations_through_redis(workers):
    """Two apps (as two workers) on one Redis: what one computed the other reads, and a bump by
    either ends the generation for both, local copies included."""
    computed = []

    def compute(value):
        computed.append(value)
        return value

    with workers[0].app_context():
        assert caching.remember("shared", "k", lambda: compute("from a")) == "from a"
    with workers[1].app_context():
        assert caching.remember("shared", "k", lambda: compute("from b")) == "from a"
        caching.bump("shared")
    with workers[0].app_context():
        assert caching.remember("shared", "k", lambda: compute("a again")) == "a again"
    with workers[1].app_context():
        assert caching.remember("shared", "k", lambda: compute("b again")) == "a again"
    assert computed == ["from a", "a again"]


def test_values_read_once_from_redis_are_then_read_from_memory(workers, monkeypatch):
    """The local tier: after one fetch a worker asks Redis only for the generations, and every
    reader still gets a copy of its own."""
    from tipboard.extensions import cache

    with workers[0].app_context():
        caching.remember("shared", "k", lambda: ["computed by a"])
    with workers[1].app_context():
        fetched = []
        real_get = cache.get
        monkeypatch.setattr(cache, "get", lambda key: fetched.append(key) or real_get(key))
        first = caching.remember("shared", "k", lambda: ["computed by b"])
        first.append("changed by its reader")
        assert caching.remember("shared", "k", lambda: ["computed by b"]) == ["computed by a"]
        assert len(fetched) == 1  # the second read came from memory
        assert len(workers[1].extensions["tipboard_local_cache"]) == 1


def test_a_value_past_its_time_is_computed_once_while_the_others_get_the_last(workers, monkeypatch):
    """No stampede when a value's time is up: the first reader computes it afresh, a reader in
    another worker meanwhile gets the last value, and then everyone gets the new one."""
    clock = [time.time()]
    monkeypatch.setattr(caching.time, "time", lambda: clock[0])
    with workers[0].app_context():
        assert caching.remember("shared", "k", lambda: "first", timeout=10) == "first"
    clock[0] += 9
    with workers[0].app_context():  # still fresh: this worker's own copy
        assert caching.remember("shared", "k", lambda: "too early", timeout=10) == "first"
    clock[0] += 2

    def refresh_in_b():
        with workers[0].app_context():  # a reader in worker a while b is at it
            assert caching.remember("shared", "k", lambda: "computed twice", timeout=10) == "first"
        return "second"

    with workers[1].app_context():
        assert caching.remember("shared", "k", refresh_in_b, timeout=10) == "second"
    with workers[0].app_context():
        assert caching.remember("shared", "k", lambda: "third", timeout=10) == "second"


def test_a_refresh_that_fails_lets_the_next_reader_try(workers, monkeypatch):
    clock = [time.time()]
    monkeypatch.setattr(caching.time, "time", lambda: clock[0])
    with workers[0].app_context():
        caching.remember("shared", "k", lambda: "first", timeout=10)
    clock[0] += 11

    def broken():
        raise RuntimeError("database went away")

    with workers[1].app_context(), pytest.raises(RuntimeError):
        caching.remember("shared", "k", broken, timeout=10)
    with workers[0].app_context():
        assert caching.remember("shared", "k", lambda: "second", timeout=10) == "second"


def test_the_local_tier_keeps_its_latest_entries_within_its_bytes():
    tier = caching.LocalTier(20)
    for key in "abc":
        tier.put(key, float("inf"), key.encode() * 6)
    assert len(tier) == 3 and tier.size == 18
    tier.get("a", 0)
    tier.put("d", float("inf"), b"d" * 6)  # over 20 bytes: b, the least recently used, goes
    assert [k for k in "abcd" if tier.get(k, 0)] == ["a", "c", "d"] and tier.size == 18
    tier.put("a", float("inf"), b"A" * 10)  # replaced, not counted twice: c goes too
    assert tier.get("a", 0) == b"A" * 10 and tier.get("c", 0) is None and tier.size == 16
    tier.put("big", float("inf"), b"x" * 21)  # larger than the whole tier: not kept, nothing lost
    assert tier.get("big", 0) is None and len(tier) == 2
    tier.put("e", 5.0, b"e")
    assert tier.get("e", 4.9) == b"e" and tier.get("e", 5.0) is None and tier.size == 16
    off = caching.LocalTier(0)
    off.put("x", float("inf"), b"x")
    assert len(off) == 0


def test_without_redis_there_is_no_second_copy(app):
    assert app.config["CACHE_TYPE"] == "SimpleCache" and app.config["CACHE_LOCAL_BYTES"] == 0


def test_an_unreachable_cache_is_skipped_not_fatal(databases, tmp_path, caplog):
    app = make_app(databases.pristine, tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        assert caching.remember("down", "k", lambda: 42) == 42
        caching.bump("down")  # logged, not raised
    assert "cache unavailable" in caplog.text


def test_savepoints_neither_bump_early_nor_drop_what_is_pending(app_ctx):
    """A savepoint released is not a commit, and one rolled back (a refused item of a bulk action)
    does not undo what the transaction changed before it: the generation ends once, at the commit."""
    flt = listing.QueueFilter(kinds=("tip",), status="all")
    item = QueueItem(kind="tip", subject_id=97_001, status="open", summary="x")
    db.session.add(item)
    db.session.commit()
    assert listing.cached_counts(flt)["status"] == {"open": 1}
    before = caching.generation(listing.QUEUE_GENERATION)

    with db.session.begin_nested():
        item.status = "waiting"
    assert caching.generation(listing.QUEUE_GENERATION) == before  # released, not committed
    with pytest.raises(RuntimeError), db.session.begin_nested():
        raise RuntimeError("refused")
    db.session.commit()
    assert caching.generation(listing.QUEUE_GENERATION) != before
    assert listing.cached_counts(flt)["status"] == {"waiting": 1}


def test_a_bulk_action_whose_last_item_is_refused_still_refreshes_the_counts(app_ctx, users):
    from tipboard.moderation import services
    from tipboard.tips.queue import enqueue_tip

    category = CategoryFactory()
    fresh, rejected = TipFactory(category=category), TipFactory(category=category, status="rejected")
    for tip in (fresh, rejected):
        enqueue_tip(tip)
    db.session.commit()
    flt = listing.QueueFilter(kinds=("tip",), status="all", category_id=category.id)
    assert listing.cached_counts(flt)["status"] == {"open": 1, "closed": 1}
    before = caching.generation(listing.QUEUE_GENERATION)
    ids = [services.item_for("tip", tip.id).id for tip in (fresh, rejected)]
    results = services.perform_many("tip", ids, "reject", users["staff"], {"reason": "spam"})
    assert [r.done for r in results] == [True, False]
    assert (
        caching.generation(listing.QUEUE_GENERATION) == before
    )  # other workers still read what is committed
    db.session.commit()  # as the bulk view does
    assert listing.cached_counts(flt)["status"] == {"closed": 2}


def test_reads_are_cached_under_the_generation_their_transaction_began_in(app_ctx):
    """On SQLite a read transaction sees the data of its first query however long it lasts; a
    commit (and bump) elsewhere after that must not get this transaction's view stored as new."""
    db.session.execute(sa.text("SELECT 1"))  # the transaction, and its view of the data, begins
    caching.bump(listing.QUEUE_GENERATION)  # another worker commits a queue change now
    assert (
        caching.remember(listing.QUEUE_GENERATION, "k", lambda: "seen before that commit")
        == "seen before that commit"
    )
    db.session.rollback()
    assert caching.remember(listing.QUEUE_GENERATION, "k", lambda: "fresh") == "fresh"


def test_a_value_read_from_several_generations_ends_with_any_of_them(app_ctx):
    both = ("staff", "grids")
    assert caching.remember(both, "k", lambda: "first") == "first"
    assert caching.remember(both, "k", lambda: "again") == "first"
    for name in both:
        caching.bump(name)
        db.session.rollback()  # a new transaction reads the new tokens
        assert caching.remember(both, "k", lambda n=name: f"after {n}") == f"after {name}"
    db.session.add(GridFactory.build())  # this transaction's own change to one of them
    assert caching.remember(both, "k", lambda: "mine, not stored") == "mine, not stored"
    db.session.rollback()
    assert caching.remember(both, "k", lambda: "unused") == "after grids"


def test_nothing_is_stored_from_a_transaction_with_its_own_uncommitted_changes(app_ctx):
    flt = listing.QueueFilter(kinds=("tip",), status="all")
    db.session.add(QueueItem(kind="tip", subject_id=97_001, status="open", summary="not yet"))
    db.session.flush()
    assert listing.cached_counts(flt)["status"] == {"open": 1}  # its own change, seen but not stored
    db.session.rollback()
    assert listing.cached_counts(flt)["status"] == {}


def test_a_change_flushed_by_the_computation_itself_is_not_stored(app_ctx):
    """An unflushed change is flushed by the counting query (autoflush): that count holds data a
    rollback undoes, so it must not outlive the transaction in the cache."""
    flt = listing.QueueFilter(kinds=("tip",), status="all")
    db.session.add(QueueItem(kind="tip", subject_id=97_002, status="open", summary="not yet"))
    assert listing.cached_counts(flt)["status"] == {"open": 1}
    db.session.rollback()
    assert listing.cached_counts(flt)["status"] == {}


def test_an_unflushed_change_is_not_hidden_by_a_cached_value(app_ctx):
    flt = listing.QueueFilter(kinds=("tip",), status="all")
    assert listing.cached_counts(flt)["status"] == {}  # cached: nothing queued
    db.session.add(QueueItem(kind="tip", subject_id=97_003, status="open", summary="mine"))
    assert listing.cached_counts(flt)["status"] == {"open": 1}  # as an uncached read sees it


def test_redis_clients_give_up_within_half_a_second(databases, tmp_path):
    """Every transaction reads its generations: a Redis that does not answer must not hold a
    request for a TCP timeout. The cache and the rate limits both use short socket timeouts."""
    from tipboard.extensions import cache

    app = make_app(databases.pristine, tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        client = cache.cache._write_client
        options = client.connection_pool.connection_kwargs
        assert options["socket_connect_timeout"] == 0.5 and options["socket_timeout"] == 0.5
    assert app.config["RATELIMIT_STORAGE_OPTIONS"] == caching.REDIS_TIMEOUTS


def test_a_tip_is_accepted_while_redis_is_down(databases, tmp_path):
    """Rate limits and caches on an unreachable Redis: logged, and the tip is stored anyway."""
    from tipboard.tips.models import Tip

    url = databases.new(template=databases.template_arg(databases.pristine))
    app = make_app(url, tmp_path, REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)
    category_id = _category_in(app)
    client = app.test_client()
    assert client.get("/tips/new").status_code == 200
    response = client.post("/tips/new", data=_tip_form(category_id))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 1
        db.session.remove()
        db.engine.dispose()


def test_cache_keys_carry_the_code_version_and_the_database(app, tmp_path):
    assert app.config["CACHE_KEY_PREFIX"] == f"tipboard:{caching.code_version()}:{caching.database_tag(app)}:"
    assert len(caching.code_version()) == 12
    other = make_app("sqlite:///" + str(tmp_path / "other.sqlite3"), tmp_path)
    assert other.config["CACHE_KEY_PREFIX"] != app.config["CACHE_KEY_PREFIX"]  # two sites, one Redis
    assert "other.sqlite3" not in other.config["CACHE_KEY_PREFIX"]


def test_a_bump_the_cache_missed_is_made_when_it_answers_again(app_ctx, monkeypatch):
    """A commit while the cache is down cannot end the old generation; once the cache answers,
    this process ends it before its next read, so the old entries are not served again."""
    from tipboard.extensions import cache

    flt = listing.QueueFilter(kinds=("tip",), status="all")
    assert listing.cached_counts(flt)["status"] == {}  # stored under the current generation
    db.session.rollback()
    real_set = cache.set

    def refused(*args, **kwargs):
        raise ConnectionError("cache down")

    real_set_many = cache.set_many
    monkeypatch.setattr(cache, "set", refused)
    monkeypatch.setattr(cache, "set_many", refused)
    db.session.add(QueueItem(kind="tip", subject_id=97_004, status="open", summary="while down"))
    db.session.commit()  # the bump fails: logged, remembered
    assert listing.QUEUE_GENERATION in caching._UNBUMPED
    monkeypatch.setattr(cache, "set", real_set)  # the cache is back
    monkeypatch.setattr(cache, "set_many", real_set_many)
    assert listing.cached_counts(flt)["status"] == {"open": 1}  # not the entry from before the commit
    assert not caching._UNBUMPED


def test_a_request_reads_its_generations_once_and_a_commit_bumps_in_one_round_trip(workers, monkeypatch):
    """With Redis: the generations read for the request's first cached reads serve its
    transaction too (one MGET), and a commit that ends two generations sends one pipeline."""
    import redis.client

    app = workers[0]
    category_id = _category_in(app)
    client = app.test_client()
    client.post("/tips/new", data=_tip_form(category_id, "Warm-up tip here"))
    sent = []
    real_command, real_pipeline = redis.client.Redis.execute_command, redis.client.Pipeline.execute
    monkeypatch.setattr(
        redis.client.Redis,
        "execute_command",
        lambda self, *args, **kw: sent.append(args[0]) or real_command(self, *args, **kw),
    )
    monkeypatch.setattr(
        redis.client.Pipeline,
        "execute",
        lambda self, *args, **kw: (
            sent.append(("pipeline", len(self.command_stack))) or real_pipeline(self, *args, **kw)
        ),
    )
    response = client.post("/tips/new", data=_tip_form(category_id))
    assert response.status_code == 302
    assert sent.count("MGET") == 1 and "SET" not in sent
    assert [s for s in sent if isinstance(s, tuple)] == [("pipeline", 2)]  # the queue's and the public list's


def test_generations_read_early_in_a_request_end_with_a_bump(workers):
    with workers[0].test_request_context():
        assert caching.remember(listing.QUEUE_GENERATION, "k", lambda: "before") == "before"
        assert caching.remember(listing.QUEUE_GENERATION, "k", lambda: "again") == "before"
        caching.bump(
            listing.QUEUE_GENERATION
        )  # (another worker's commit is not seen before the next request)
        assert caching.remember(listing.QUEUE_GENERATION, "k", lambda: "after") == "after"


def test_with_redis_a_category_switched_off_by_one_worker_is_refused_by_the_other_at_once(workers):
    """A tip's category comes from the cached active categories (no query); with Redis the commit
    that switches it off in one worker ends the other's cached copy, local tier included."""
    from tipboard.tips.models import Category, Tip

    first, second = workers
    category_id = _category_in(first)
    client = second.test_client()
    assert (
        client.post("/tips/new", data=_tip_form(category_id)).status_code == 302
    )  # cached in the second now
    with first.app_context():
        db.session.get(Category, category_id).active = False
        db.session.commit()
        db.session.remove()
    response = client.post("/tips/new", data=_tip_form(category_id, "Sent after the switch"))
    assert response.status_code == 400
    with second.app_context():
        descriptions = db.session.scalars(sa.select(Tip.description)).all()
        db.session.remove()
    assert descriptions == ["Gas smell on stairs"]


def test_redis_replies_are_parsed_in_c():
    """requirements.txt pins hiredis: redis-py parses replies with it (measured: a request's read
    of its generations 60 -> 47 us of client CPU) instead of falling back to its Python parser."""
    import redis.utils

    assert redis.utils.HIREDIS_AVAILABLE
