"""Does a page cost what it shows, or what the station has seen? The same 2,000 open tips under a
small and a large history of closed ones: the queue's first page, a filtered page, all statuses and
the public list, computed afresh (the memoised categories and grids cleared before each request).
The goal (issue 18): large/small at most 1.5x on PostgreSQL (1,000,000 vs 10,000 tips) and at most
2x on SQLite (100,000 vs 10,000). The two databases are measured in alternating rounds, so load from
elsewhere on the machine falls on both alike.

Usage: python bench/queue_scale.py [--postgresql URL] [--pg-tips 10000 1000000] [--sqlite-tips 10000 100000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import sqlalchemy as sa
from common import record, scratch_app

OPEN = 2_000
CATEGORIES, GRIDS = 7, 12
PAGES = (
    ("queue, first page", "/moderation/"),
    ("queue, category + grid filter", "/moderation/?category=3&grid=5"),
    ("queue, all statuses", "/moderation/?status=all"),
    ("public list", "/tips/public"),
    ("public map JSON", "/tips/public.json"),
)

# Tip i was reported i minutes after the start; the last OPEN tips are open, the rest closed (every
# other one resolved, so published: the history of the public list grows with the station's too).
TIP_COLUMNS = (
    "id, tracking_code, secret_hash, category_id, description, lat, lon, grid_id, anonymous, status,"
    " me_too_count, created_at, updated_at"
)
ITEM_COLUMNS = (
    "kind, subject_id, status, priority, summary, category_id, grid_id, created_at, updated_at, due_at"
)


def _series(dialect: str) -> tuple[str, str]:
    """(a prefix, a FROM clause) giving rows i = 1..:n, and the SQL of "i" as text padded to 8."""
    if dialect == "postgresql":
        return "", "FROM generate_series(1, :n) AS s(i)"
    return "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) ", "FROM s"


def _minutes(dialect: str, expr: str) -> str:
    if dialect == "postgresql":
        return f"(TIMESTAMP '2020-01-01' + ({expr}) * INTERVAL '1 minute')"
    return f"datetime('2020-01-01', '+' || ({expr}) || ' minutes')"


def _pad(dialect: str) -> str:
    return "lpad(i::text, 8, '0')" if dialect == "postgresql" else "substr('00000000' || i, -8, 8)"


def seed(app, n: int) -> dict:
    """Staff, categories, grids; ``n`` tips with their queue items, loaded by INSERT ... SELECT."""
    from tipboard.auth.services import register_user
    from tipboard.extensions import db
    from tipboard.geo import Grid
    from tipboard.permissions import Role
    from tipboard.tips.models import Category

    started = time.perf_counter()
    with app.app_context():
        dialect = db.engine.dialect.name
        staff = register_user("Bench Staff", "bench@example.test", "bench-password-1", roles=(Role.STAFF,))
        db.session.add_all(
            Category(
                id=i + 1,
                slug=f"c{i}",
                name_en=f"Cat {i}",
                name_zh=f"类{i}",
                is_hazard=i < 3,
                response_hours=4,
                resolution_hours=72,
            )
            for i in range(CATEGORIES)
        )
        db.session.add_all(
            Grid(
                id=i + 1,
                code=f"G{i}",
                name_en=f"Grid {i}",
                name_zh=f"网格{i}",
                center_lat=31.95,
                center_lon=119.96,
            )
            for i in range(GRIDS)
        )
        db.session.commit()
        prefix, source = _series(dialect)
        pad, at = _pad(dialect), _minutes(dialect, "i")
        history = n - OPEN
        tip_status = (
            f"CASE WHEN i > {history} THEN (CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'verified'"
            " WHEN 2 THEN 'assigned' ELSE 'in_progress' END)"
            " WHEN i % 2 = 0 THEN 'resolved' ELSE 'rejected' END"
        )
        db.session.execute(
            sa.text(
                f"{prefix}INSERT INTO tip ({TIP_COLUMNS}) SELECT i, substr({pad}, 1, 4) || '-' || substr({pad}, 5, 4),"
                f" '0000000000000000000000000000000000000000000000000000000000000000', i % {CATEGORIES} + 1,"
                f" 'bench tip ' || i, 31.95, 119.96, i % {GRIDS} + 1, {'true' if dialect == 'postgresql' else 1},"
                f" {tip_status}, 0, {at}, {at} {source}"
            ),
            {"n": n},
        )
        db.session.execute(
            sa.text(
                f"{prefix}INSERT INTO queue_item ({ITEM_COLUMNS}) SELECT 'tip', i,"
                f" CASE WHEN i > {history} THEN 'open' ELSE 'closed' END,"
                f" CASE WHEN i % {CATEGORIES} < 3 THEN 10 ELSE 0 END, 'Cat: bench tip ' || i,"
                f" i % {CATEGORIES} + 1, i % {GRIDS} + 1, {at}, {at}, {_minutes(dialect, 'i + 240')} {source}"
            ),
            {"n": n},
        )
        if dialect == "postgresql":
            db.session.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('tip', 'id'), (SELECT max(id) FROM tip))")
            )
        db.session.commit()
        # Statistics and (PostgreSQL) the visibility map, as autovacuum leaves them after a bulk load.
        if dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        staff_id = staff.id
    print(f"  seeded {n:,} tips in {time.perf_counter() - started:.0f} s")
    return {"staff_id": staff_id}


def signed_in_client(app, staff_id: int):
    from tipboard.auth.models import User
    from tipboard.auth.services import start_login_session
    from tipboard.extensions import db

    client = app.test_client()
    with app.app_context():
        token = start_login_session(db.session.get(User, staff_id)).token
        db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = token, True
    return client


def call(app, client, path: str) -> float:
    """One request computed afresh (the memoised reference data cleared first); its time in ms."""
    from tipboard import caching

    with app.app_context():
        caching.clear()
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def compare(small, large, rounds: int = 10, per_round: int = 5) -> dict:
    """Median ms per page on each database, measured in alternating rounds."""
    samples = {(size, label): [] for size in ("small", "large") for label, _path in PAGES}
    for target in (small, large):
        for _label, path in PAGES:
            for _ in range(3):
                call(*target, path)  # warm-up
    for _ in range(rounds):
        for size, target in (("small", small), ("large", large)):
            for label, path in PAGES:
                samples[(size, label)] += [call(*target, path) for _ in range(per_round)]
    return {key: statistics.median(values) for key, values in samples.items()}


def run(name: str, urls: tuple[str | None, str | None], sizes: tuple[int, int], goal: float) -> list[str]:
    apps = []
    for url, n in zip(urls, sizes):
        print(f"{name}: {n:,} tips")
        app = scratch_app(url)
        ids = seed(app, n)
        apps.append((app, signed_in_client(app, ids["staff_id"])))
    medians = compare(*apps)
    rows = []
    for label, _path in PAGES:
        small, large = medians[("small", label)], medians[("large", label)]
        ratio = large / small
        verdict = "met" if ratio <= goal else f"missed by {ratio / goal:.2f}x"
        rows.append(f"| {name} | {label} | {small:.1f} | {large:.1f} | {ratio:.2f} | ≤ {goal} | {verdict} |")
        print(rows[-1])
    for app, _client in apps:
        with app.app_context():
            from tipboard.extensions import db

            db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgresql", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-tips", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--sqlite-tips", type=int, nargs=2, default=[10_000, 100_000])
    args = parser.parse_args()
    rows = run("SQLite", (None, None), tuple(args.sqlite_tips), 2.0)
    admin = sa.create_engine(args.postgresql, isolation_level="AUTOCOMMIT")
    names = ("tipboard_bench_scale_small", "tipboard_bench_scale_large")
    with admin.connect() as conn:
        for db_name in names:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {db_name}")
    base = args.postgresql.rsplit("/", 1)[0]
    try:
        rows += run("PostgreSQL", tuple(f"{base}/{n}" for n in names), tuple(args.pg_tips), 1.5)
    finally:
        with admin.connect() as conn:
            for db_name in names:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
    small_sl, large_sl = args.sqlite_tips
    small_pg, large_pg = args.pg_tips
    body = (
        f"The same {OPEN:,} open tips (and queue items) under a history of closed ones (half resolved, so "
        f"published): SQLite {small_sl:,} vs {large_sl:,} tips, PostgreSQL {small_pg:,} vs {large_pg:,}. "
        "In-process requests through the Flask test client, signed in as staff, each computed afresh (the "
        "memoised categories and grids cleared first; nothing else is cached). Median of 50 calls per page, "
        "taken in 10 rounds alternating between the two databases.\n\n"
        "| database | page | small ms | large ms | large / small | goal | |\n|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
    )
    record("Queue and public list against history", body)


if __name__ == "__main__":
    main()
