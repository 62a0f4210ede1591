"""HTTP benchmark of the production profile (``make bench``, i.e. ``python bench/http_load.py``).

Three profiles: SQLite and PostgreSQL with each worker caching for itself, and PostgreSQL with
Redis as the shared cache (the production profile). Each gets a fresh database, migrated and
seeded; gunicorn with gunicorn.conf.py and TIPBOARD_CONFIG=production on loopback; wrk (Debian
package) with 32 connections for a fixed duration per route, after a short unrecorded warm-up
(WARMUP_SECONDS). Reports requests/s, p50/p99 latency, errors, the ratio to the "hello" ceiling of
the same app in the same run, the CPU each request cost the workers, the database, Redis, wrk and
the whole machine (bench/cpu.py), and peak RSS per worker (VmHWM from /proc). Rate limits are off (one
client address makes all the requests); CSRF is ON: the POSTs carry a real session cookie and
token fetched first.

Routes are a table (ROUTES). Before the run the database gets QUEUE_TIPS (100,000) tips and their
queue items in bulk (the seeding of bench/moderation_queue.py), so the moderation queue page is timed
at that size, signed in as staff through the real login form; the resident routes see the same
database.
Usage: python bench/http_load.py [--duration 10] [--connections 32] [--rounds 3]
                                 [--backends sqlite,postgresql,postgresql+redis] [--queue-tips 100000]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from bench import cpu  # noqa: E402
from tests.production.harness import Client, Server, csrf_token, migrate, server_env  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "TIPBOARD_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TIPBOARD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SEED_TIPS = 300
QUEUE_TIPS = 100_000
WARMUP_SECONDS = 2
STAFF_LOGIN, STAFF_PASSWORD = "bench@example.test", "bench-password-1"  # made by moderation_queue.seed


def bench_app():
    """The production app plus two bare routes of the same app, served only by the benchmark
    (gunicorn 'bench.http_load:bench_app()'):

    - "hello": the framework's ceiling in this setup;
    - "bare write": one INSERT and a durable commit through Flask-SQLAlchemy's session, nothing
      else (no form, CSRF, ORM object or signal): the floor under any route that stores something,
      which shows how much of the ceiling a write can have on this machine at all."""
    import sqlalchemy as sa
    from flask import request

    from tipboard import create_app
    from tipboard.extensions import csrf, db
    from tipboard.permissions import public

    app = create_app()
    app.add_url_rule("/_bench/hello", "bench_hello", public(lambda: "hello"))
    with app.app_context():
        key = "BIGSERIAL PRIMARY KEY" if db.engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
        db.session.execute(sa.text(f"CREATE TABLE IF NOT EXISTS bench_write (id {key}, body TEXT NOT NULL)"))
        db.session.commit()

    @public
    @csrf.exempt
    def bare_write():
        db.session.execute(
            sa.text("INSERT INTO bench_write (body) VALUES (:body)"), {"body": request.form.get("body", "")}
        )
        db.session.commit()
        return "stored", 201

    app.add_url_rule("/_bench/write", "bench_write", bare_write, methods=["POST"])
    return app


@dataclass
class Route:
    name: str
    method: str
    path: str  # may contain {code}
    body: str | None = None  # form body template: {csrf}, {category}, {code}, {secret}
    ok: str = "2xx"
    who: str = "resident"  # whose session cookie the requests carry: "resident" or "staff"


ROUTES = [
    Route("hello (ceiling)", "GET", "/_bench/hello"),
    Route("healthz (SELECT 1)", "GET", "/healthz"),
    Route("tip form page", "GET", "/tips/new"),
    Route("bare write (floor)", "POST", "/_bench/write", "body=bench+tip+about+a+broken+lamp"),
    Route(
        "tip submission",
        "POST",
        "/tips/new",
        "csrf_token={csrf}&category={category}&description=bench+tip+about+a+broken+lamp"
        "&address=Bench+road+1&anonymous=y&contact_preference=inbox",
        ok="302",
    ),
    Route(
        "tracking lookup", "POST", "/tips/track", "csrf_token={csrf}&code={code}&secret={secret}", ok="302"
    ),
    Route("public hazard list", "GET", "/tips/public"),
    Route("moderation queue, 100k tips", "GET", "/moderation/", who="staff"),
]

LUA = """
wrk.method = "{method}"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["Accept-Language"] = "en"
{body}
local bad = 0
response = function(status, headers, body)
  {check}
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%f p99=%f\\n", latency:percentile(50), latency:percentile(99)))
end
"""


def _database(backend: str, tmp: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    name = f"tipboard_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, drop


def _seed(env: dict, queue_tips: int) -> dict:
    """queue_tips bulk tips with their queue items and a staff account (moderation_queue.seed),
    then a category and SEED_TIPS tips submitted the ordinary way, half of them public; returns
    ids and one tracking pair."""
    script = f"""
import json, sys
sys.path.insert(0, {str(ROOT / "bench")!r})
from moderation_queue import seed as seed_queue
from tipboard import create_app
from tipboard.extensions import db
from tipboard.tips import services
from tipboard.tips.models import Category
app = create_app()
seed_queue(app, {queue_tips})
with app.app_context():
    cat = Category(slug="bench", name_en="Broken street lamp", name_zh="路灯损坏", is_hazard=True,
                   response_hours=4, resolution_hours=72)
    db.session.add(cat); db.session.flush()
    for i in range({SEED_TIPS}):
        r = services.submit_tip(services.NewTip(category_id=cat.id, description=f"seeded tip {{i}}",
                                anonymous=True, address="Bench road 1"))
        if i % 2:
            r.tip.status = "verified"
    db.session.commit()
    print(json.dumps({{"category": cat.id, "code": r.code, "secret": r.secret}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    import json

    _settle(env["TIPBOARD_DATABASE_URL"])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _settle(url: str) -> None:
    """After the bulk seeding: statistics and visibility maps made now, so the planner has them and
    PostgreSQL's autovacuum does not start on the new rows while a route is being timed."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    finally:
        engine.dispose()


class RssSampler(threading.Thread):
    """Peak resident memory (VmHWM) per worker pid seen, sampled twice a second."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.peak, self._halt = server, {}, threading.Event()

    def run(self):
        while not self._halt.wait(0.5):
            for pid in self.server.worker_pids():
                try:
                    text = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                found = re.search(r"VmHWM:\s+(\d+)", text)  # absent once the worker is a zombie
                if found:
                    self.peak[pid] = max(self.peak.get(pid, 0), int(found.group(1)))

    def stop(self):
        self._halt.set()
        self.join()


def _children_cpu() -> float:
    """CPU seconds of this process's reaped children (each wrk run, once it has ended)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_wrk(server: Server, route: Route, params: dict, duration: int, connections: int, tmp: Path) -> dict:
    body = ""
    if route.body:
        form = route.body.format(**params)
        body = f'wrk.body = "{form}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"'
    cookie = params["staff_cookie" if route.who == "staff" else "cookie"]
    lua = LUA.format(method=route.method, cookie=cookie, body=body, check="")
    script = tmp / "bench.lua"
    script.write_text(lua)
    path = route.path.format(**params)

    def wrk(seconds: int) -> str:
        return subprocess.run(
            [
                "wrk",
                "-t",
                "4",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--latency",
                "--timeout",
                "5s",
                "-s",
                str(script),
                f"http://127.0.0.1:{server.port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    # Unrecorded warm-up: every worker has served the route and filled its own caches (without
    # Redis each process has its own; bench/moderation_queue.py times the first, uncached reader).
    wrk(WARMUP_SECONDS)
    before = cpu.snapshot(server.process.pid, load_generator=_children_cpu())
    out = wrk(duration)
    after = cpu.snapshot(server.process.pid, load_generator=_children_cpu())
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad_status.group(1)) if bad_status else 0) + (sum(map(int, sock.groups())) if sock else 0)
    m = re.search(r"BENCH p50=([\d.]+) p99=([\d.]+)", out)
    return {
        "rps": rps,
        "requests": total,
        "errors": errors,
        "p50_ms": float(m.group(1)) / 1000,
        "p99_ms": float(m.group(2)) / 1000,
        "cpu_ms": cpu.per_request(before, after, total),
    }


def _session(port: int, params: dict) -> dict:
    """Browser sessions: a resident's cookie + CSRF token from the real form, and a staff member's
    cookie from the real login form."""
    staff = Client(port)
    status, _, html = staff.get("/auth/login")
    status, _, _ = staff.post(
        "/auth/login", {"csrf_token": csrf_token(html), "login": STAFF_LOGIN, "password": STAFF_PASSWORD}
    )
    assert status == 302, f"staff login failed: {status}"
    status, _, _ = staff.get("/moderation/")
    assert status == 200, f"queue page check failed: {status}"
    params = dict(params, staff_cookie="; ".join(f"{k}={v}" for k, v in staff.cookies.items()))
    client = Client(port)
    status, _, html = client.get("/tips/new")
    assert status == 200, status
    params = dict(params, csrf=csrf_token(html))
    # Check the POSTs really work before timing them.
    status, headers, _ = client.post(
        "/tips/new",
        {
            "csrf_token": params["csrf"],
            "category": params["category"],
            "description": "bench check tip",
            "address": "Bench road 1",
            "anonymous": "y",
            "contact_preference": "inbox",
        },
    )
    assert status == 302, f"tip submission check failed: {status}"
    params["cookie"] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return params


def bench_backend(
    backend: str, duration: int, connections: int, workers: int | None, queue_tips: int, rounds: int = 1
) -> dict:
    """One profile: "sqlite" or "postgresql", "+redis" for Redis as the shared cache. Every route is
    timed ``rounds`` times, a round being all the routes in turn, and reported by its median run:
    the machine's speed drifts (by up to a third within minutes), and one slow minute would
    otherwise decide a route's figure."""
    database, _, extra = backend.partition("+")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        url, drop = _database(database, tmp)
        settings = {"RATELIMIT_ENABLED": "false"}
        if extra == "redis":
            # Its own key prefix, so the keys this run made can be removed after it.
            settings.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"tipboard-bench-{uuid.uuid4().hex[:8]}:")
        elif extra:
            raise SystemExit(f"unknown profile {backend!r}")
        try:
            env = server_env(url, tmp, **settings)
            env.pop("TIPBOARD_LOG_LEVEL")
            migrate(env)
            params = _seed(env, queue_tips)
            n = workers or (os.cpu_count() or 1) * 2 + 1
            with Server(
                env, workers=n, app="bench.http_load:bench_app()", ready_path="/_bench/hello"
            ) as server:
                params = _session(server.port, params)
                sampler = RssSampler(server)
                sampler.start()
                runs: dict[str, list[dict]] = {route.name: [] for route in ROUTES}
                for _round in range(rounds):
                    for route in ROUTES:
                        run = _run_wrk(server, route, params, duration, connections, tmp)
                        if not run["requests"]:
                            raise RuntimeError(f"{route.name}: no request completed")
                        runs[route.name].append(run)
                        print(f"  {backend:<10} {route.name:<22} {run}", flush=True)
                sampler.stop()
                results = {name: median_run(found) for name, found in runs.items()}
            return {
                "routes": results,
                "workers": n,
                "peak_rss_all_mb": sorted(round(v / 1024, 1) for v in sampler.peak.values()),
            }
        finally:
            drop()
            if extra == "redis":
                _forget_keys(settings["CACHE_KEY_PREFIX"])


def median_run(runs: list[dict]) -> dict:
    """The run with the median rate (the lower middle one of an even number), with every run's
    rate beside it ("rps_all") and the errors of all of them."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    return dict(
        ordered[(len(ordered) - 1) // 2],
        rps_all=[run["rps"] for run in runs],
        errors=sum(run["errors"] for run in runs),
    )


def _forget_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[0:1]
    return (
        f"{cpu}, {os.cpu_count()} cores, {int(mem) // 1024} MB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}, {' '.join(wrk)}; load generator on the same machine"
    )


def report(all_results: dict, duration: int, connections: int, queue_tips: int) -> str:
    rounds = len(next(iter(all_results.values()))["routes"][ROUTES[0].name]["rps_all"])
    lines = [
        f"Machine: {machine()}",
        "",
        f"{connections} connections, {duration} s per route after {WARMUP_SECONDS} s unrecorded, "
        f"{queue_tips:,} tips in the database, gunicorn sync workers; each route timed in {rounds} "
        "rounds (all the routes in turn) and shown by its median run, every round's req/s beside "
        "it, errors summed; ratio = req/s divided by the hello ceiling's of the same backend.",
        "",
    ]
    for backend, res in all_results.items():
        ceiling = res["routes"][ROUTES[0].name]["rps"]
        lines += [
            f"### {backend} ({res['workers']} workers; {rss_summary(res['peak_rss_all_mb'])})",
            "",
            "| route | req/s | of rounds | ratio | p50 ms | p99 ms | errors | CPU ms/req: app | database "
            "| redis | wrk | machine (busy) |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in res["routes"].items():
            c = r["cpu_ms"]
            spread = ", ".join(f"{v:.0f}" for v in r["rps_all"])
            lines.append(
                f"| {name} | {r['rps']:.0f} | {spread} | {r['rps'] / ceiling:.2f} | {r['p50_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['errors']} | {c['app']:.2f} | {c['database']:.2f} | "
                f"{c['redis']:.2f} | {c['load']:.2f} | {c['busy']:.2f} ({c['busy_share']:.0%}) |"
            )
        lines.append("")
    lines += [
        "Targets (tip submission >= 0.5 of the ceiling on PostgreSQL, p99 < 100 ms, no errors, "
        "worker < 150 MB):",
        "",
    ]
    for backend, res in all_results.items():
        routes = res["routes"]
        ceiling = routes[ROUTES[0].name]["rps"]
        sub = routes.get("tip submission")
        slow = [n for n, r in routes.items() if r["p99_ms"] >= 100]
        peak = max(res["peak_rss_all_mb"])
        lines.append(
            f"- {backend}: submission ratio {sub['rps'] / ceiling:.2f} "
            f"({'met' if sub['rps'] / ceiling >= 0.5 else 'MISSED'}); p99 >= 100 ms on: "
            f"{', '.join(slow) or 'none'}; errors {sum(r['errors'] for r in routes.values())}; "
            f"peak worker RSS {peak:.0f} MB ({'met' if peak < 150 else 'MISSED'})"
            if sub
            else f"- {backend}: tip submission not measured"
        )
        if sub and sub["cpu_ms"]["database"] > 0:  # (SQLite's work is in the workers' own column)
            lines.append(f"  {submission_bound(routes[ROUTES[0].name], sub)}")
    lines += ["", CPU_NOTE, "", PROFILE_NOTE]
    return "\n".join(lines)


def rss_summary(peaks_mb: list[float]) -> str:
    """Peak resident memory of the worker processes (recycled ones included)."""
    return (
        f"peak RSS per worker {max(peaks_mb):.0f} MB max, {statistics.median(peaks_mb):.0f} MB median "
        f"over {len(peaks_mb)} worker processes"
    )


def submission_bound(hello: dict, sub: dict) -> str:
    """The most of the ceiling a submission could have on this machine if the app's own work for it
    cost nothing: every request costs the machine at least what a hello costs it (connection, HTTP,
    wrk, the app's hooks), and a submission the database's work on top."""
    cores = os.cpu_count() or 1
    floor_ms = hello["cpu_ms"]["busy"] + sub["cpu_ms"]["database"] + sub["cpu_ms"]["redis"]
    best = cores * 1000 / floor_ms
    return (
        f"bound: a hello costs the machine {hello['cpu_ms']['busy']:.2f} ms of CPU, the database and "
        f"Redis {sub['cpu_ms']['database'] + sub['cpu_ms']['redis']:.2f} ms a submission; with no app CPU "
        f"at all {cores} cores allow {best:.0f} submissions/s, {best / hello['rps']:.2f} of the ceiling "
        f"(measured: app {sub['cpu_ms']['app']:.2f} ms, machine {sub['cpu_ms']['busy']:.2f} ms a "
        f"submission)"
    )


CPU_NOTE = """CPU ms/req: CPU time per request over the timed run, from /proc (bench/cpu.py): "app" the
gunicorn master and its workers (recycled ones included), "database" PostgreSQL's processes,
"redis" the Redis server, "wrk" the load generator, "machine" every core's busy time (all of these
and the kernel's network work), with the share of the machine's time that was busy. The load
generator, the database and the app share the same cores."""


PROFILE_NOTE = """Profiles (py-spy on the loaded workers; cProfile and pyinstrument in-process, production config)
and what they changed, oldest first:

- Queue facet counts at 100,000 tips: six grouped queries became one grouped scan folded in Python
  on PostgreSQL, and the counts are now cached per filter until a queue item changes (tipboard/caching.py,
  shared through Redis when configured, at most 10 s): the queue route went from 30 to ~130 req/s.
- Public hazard list: categories and grids by IN queries instead of a join SQLite sorted (76 -> 7 ms
  for the query); the list fragment and the map's JSON are now rendered once per change and language
  (115 -> ~1,300 req/s).
- Tip form page: the active categories come from the cache (no SQL on a warm page), WTForms' own
  catalogue is cached per language.
- Tip submission: 11 statements became 6 (no lookups for a new tip's queue item, the grid from the
  grids cache, the queue item and its audit entry in one flush).
- Workers: gunicorn preloads the app, compiles every template and loads every catalogue in the master
  (a fresh worker's first form page took ~180 ms, the p99 of the route), freezes the loaded objects
  out of the garbage collector (a full collection took ~110 ms, now ~2 ms) and forks; each child drops
  the database connections it inherited.
- SQLite: the tracking lookup, a POST that only reads, no longer takes the write lock behind
  submissions.
- Found by profiling: the session cookie grew with every tracked tip within the hour (a browser drops
  one over 4 KB); a browser now remembers its 20 latest tips.
- Queue page (later): the signed-in user and roles in one statement; the rendered list, the counts,
  the names they count and the bulk-action fields are cached per filter, visibility and language
  until the next queue change (at most 10 s), the staff names until the staff change. A warm queue
  page sends one statement: in-process 13.6 -> ~4 ms, ~135 -> ~280-400 req/s over HTTP.
- Tracking lookup: reads the tip's id, code and secret hash instead of the whole tip (in-process
  3.3 -> 1.7 ms).
- SQLite: writers take turns on a lock file beside the database instead of sleeping in SQLite's busy
  handler (sleeps of up to 100 ms a try while the lock, held ~1 ms at a time, sat free): submission
  p99 ~650 -> ~280 ms in the same run.
- Tip submission (later): no lookup of a new tracking code before the insert; the table's unique
  constraint is the check and a clash draws again (one statement fewer, and two submissions that
  drew the same code no longer end in a 500).
- Tip form page (later): the blank form is rendered once per language, sign-in state and change
  to the categories, and each request puts its own CSRF token in (in-process 3.5 -> 1.8 ms).
- Queue page (later): the filters with their counts are rendered once per filter, visibility and
  language until the queue changes, like the list.
- Redis (the production profile): a first try, every cache read a round trip to Redis, measured
  slower than each worker caching for itself. Now each worker keeps what it read or computed in
  its own memory under the same keys, which carry the generations it reads from Redis once per
  request (one round trip, not one per value), and a value past its time is computed by one worker
  while the others are served the last one (with per-process caches every worker computed the
  queue's counts itself every 10 s).
- Tip submission (later): the category comes from the cached active categories the form offered,
  merged into the session without SQL, instead of a query: a submission is now BEGIN, four INSERTs
  (the tip, its first event, its queue item and audit entry) and COMMIT; in alternating runs on the
  same machine ~5-10% more submissions a second than with the query.
- Every response (later): the security headers added after one look at those present instead of
  five lookups that each raise and catch an exception inside werkzeug, and one fixed
  Content-Security-Policy instead of a fresh nonce no page used: hello in-process ~0.17 -> ~0.16 ms.
- Tried and not kept: 3 or 8 workers instead of 5 (within the noise, 8 worse); a larger gen-0
  garbage-collector threshold (no change); one flush for a new tip's four rows instead of two
  (in-process 1.33 -> 1.32 ms of CPU); reads without BEGIN and ROLLBACK on PostgreSQL (the driver
  in autocommit for GETs and read-only POSTs: healthz ~+5%, the tracking lookup within the noise,
  in alternating runs).

Why the submission targets are out of reach here, from the CPU columns (bench/cpu.py; one machine,
five full runs on 2026-12-01): a submission costs the machine ~3.8-4.9 ms of CPU, of which the
workers ~3.2-4.2 ms (~90% of it in user mode, i.e. Python; ~10% in the kernel, loopback TCP
included), PostgreSQL ~0.45-0.6 ms for BEGIN, four INSERTs and a durable COMMIT, wrk
~0.1 ms; a hello costs it ~0.44-0.51 ms. Every request costs at least what a hello does, so even
with no app CPU at all the two cores would allow ~1,880-2,190 submissions a second, 0.43-0.51 of
the ceiling (the "bound" line under the targets computes it for each run): 0.5 is out of reach on
this machine whatever the app does, and the bare write (one INSERT and a durable commit through
Flask-SQLAlchemy, nothing else) reaches only ~0.35-0.42. The workers' share is the ORM's two
flushes about half (each statement a round trip that costs the worker ~0.15 ms of CPU, as the
bare write and healthz show against hello), building and checking the form ~10%, the commit ~7%,
Flask, the session cookie and CSRF the rest. At 32 clients the latency is the queue in front of
the workers (p50 ~ 32 / throughput, p99 ~1.3-1.6 x p50 on every route, hello included: five
workers, PostgreSQL and wrk scheduled on two cores), so p99 < 100 ms needs ~450-500 submissions a
second: met in most PostgreSQL runs of the day (420-540 req/s, p99 ~73-117 ms as the machine's
speed drifted), never on the Intel machine of an earlier stop (~230 req/s); with Redis ~310-430
req/s, p99 ~93-150 ms. Measured and not kept: the self-referential "duplicate of" relationship
made view-only (no change in the flush's CPU); the audit entry written by a Core INSERT after its
queue item's flush instead of with it in one flush (slower: a flush and a statement cost more than
one flush). What would close the rest: a second way of storing a tip, without WTForms and the
ORM, beside the one every other path uses; not done.

The queue page at 100,000 tips: p99 ~90-165 ms where each worker computes its counts afresh every
10 s (bench/moderation_queue.py, "computed": 35-130 ms on PostgreSQL, 0.15-0.9 s on SQLite, so the
SQLite p99 is higher still), ~85-120 ms with Redis, where one worker computes them and the others
are served the last value meanwhile. Redis costs a request a round trip for the generations, to a
server on the same two contended cores: in-process ~0.12-0.15 ms of a request's CPU (healthz
0.35 -> 0.47 ms), most of it redis-py's own work around the command (its pool, retry wrapper and
socket checks; hiredis parses the reply); over HTTP the cheap routes lose up to ~0.05-0.15 of the
ceiling against PostgreSQL alone (the cached public list the most), the submission ~0.01-0.03
(in alternating runs 0-15% of its rate). A submission makes two round trips to Redis: the
generations, and after the commit the bump of the two it changed (one pipelined SET each); the
CPU columns show Redis itself ~0.07 ms a submission, the workers ~0.2-1.4 ms more than without it.
The machines' speed varies by up to a third between runs (hello ~2,000-3,300 req/s on the Intel
machine, ~3,900-4,500 on the AMD one); compare ratios, and compare two versions in alternating runs."""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=3, help="times each route is timed (median shown)")
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql,postgresql+redis",
        help="profiles: a database, '+redis' for Redis as the shared cache",
    )
    parser.add_argument("--queue-tips", type=int, default=QUEUE_TIPS)
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--only", default="", help="comma-separated substrings of route names")
    args = parser.parse_args(argv)
    cpu.self_check()  # the CPU columns are only as good as their accounting
    if args.only:
        keep = [w for w in args.only.split(",") if w]
        ROUTES[:] = [ROUTES[0]] + [r for r in ROUTES[1:] if any(w in r.name for w in keep)]
    results = {
        b: bench_backend(b, args.duration, args.connections, args.workers, args.queue_tips, args.rounds)
        for b in args.backends.split(",")
    }
    text = report(results, args.duration, args.connections, args.queue_tips)
    print(text)
    if not args.no_write:
        write_section(ROOT / "bench" / "RESULTS.md", "HTTP", text)
    return 0


def write_section(path: Path, title: str, body: str) -> None:
    """Replace (or append) the ``## title`` section of RESULTS.md; other sections stay."""
    text = (
        path.read_text()
        if path.exists()
        else "# Benchmark results\n\nEach section is rewritten by its script.\n"
    )
    section = f"## {title}\n\nWritten by `make bench` (bench/http_load.py).\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
