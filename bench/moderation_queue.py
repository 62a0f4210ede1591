"""The moderation queue with 100,000 tips: first page and a filtered page, as ratios to a bare
request measured in the same run. Usage: python bench/moderation_queue.py [--tips N] [--postgresql URL]"""

from __future__ import annotations

import argparse
import datetime as dt
import random

import sqlalchemy as sa
from common import record, scratch_app, time_calls


def seed(app, n: int) -> dict:
    from tipboard.auth.services import register_user
    from tipboard.extensions import db
    from tipboard.geo import Grid
    from tipboard.moderation.models import QueueItem
    from tipboard.permissions import Role
    from tipboard.tips.models import Category, Tip

    rng = random.Random(7)
    with app.app_context():
        staff = register_user("Bench Staff", "bench@example.test", "bench-password-1", roles=(Role.STAFF,))
        categories = [
            Category(
                slug=f"c{i}",
                name_en=f"Cat {i}",
                name_zh=f"类{i}",
                is_hazard=i < 3,
                response_hours=4,
                resolution_hours=72,
            )
            for i in range(7)
        ]
        grids = [
            Grid(code=f"G{i}", name_en=f"Grid {i}", name_zh=f"网格{i}", center_lat=31.95, center_lon=119.96)
            for i in range(12)
        ]
        db.session.add_all(categories + grids)
        db.session.commit()
        now = dt.datetime(2026, 11, 1)
        statuses = ["new"] * 5 + ["verified", "assigned", "in_progress", "resolved", "rejected"]
        tips, items = [], []
        for i in range(1, n + 1):
            category, grid = rng.choice(categories), rng.choice(grids)
            created = now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
            status = rng.choice(statuses)
            tips.append(
                {
                    "id": i,
                    "tracking_code": f"{i:08d}"[:4] + "-" + f"{i:08d}"[4:],
                    "secret_hash": "0" * 64,
                    "category_id": category.id,
                    "description": f"bench tip {i}",
                    "lat": 31.95,
                    "lon": 119.96,
                    "grid_id": grid.id,
                    "anonymous": True,
                    "status": status,
                    "me_too_count": 0,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            closed = status in ("resolved", "rejected")
            items.append(
                {
                    "id": i,
                    "kind": "tip",
                    "subject_id": i,
                    "status": "closed" if closed else "open",
                    "priority": 10 if category.is_hazard else 0,
                    "summary": f"{category.name_en}: bench tip {i}",
                    "category_id": category.id,
                    "grid_id": grid.id,
                    "created_at": created,
                    "updated_at": created,
                    "due_at": created + dt.timedelta(hours=4),
                }
            )
        for start in range(0, n, 5000):
            db.session.execute(sa.insert(Tip), tips[start : start + 5000])
            db.session.execute(sa.insert(QueueItem), items[start : start + 5000])
        if db.engine.dialect.name == "postgresql":
            # The rows above carry their ids; move the sequences past them for later inserts.
            for table in ("tip", "queue_item"):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
        db.session.commit()
        # Statistics and (PostgreSQL) the visibility map, as autovacuum would leave them after a
        # bulk load; without the latter index-only scans visit the heap.
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        return {"staff_id": staff.id, "category_id": categories[5].id, "grid_id": grids[3].id}


def measure(app, ids) -> dict:
    from tipboard import caching
    from tipboard.auth.models import User
    from tipboard.auth.services import start_login_session
    from tipboard.extensions import db

    client = app.test_client()
    with app.app_context():
        token = start_login_session(db.session.get(User, ids["staff_id"])).token
        db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = token, True

    def get(path):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call

    def cold(call):
        """The request with the memoised reference data (categories, grids) cleared first."""

        def run():
            with app.app_context():
                caching.clear()
            call()

        return run

    results = {"baseline /healthz": time_calls(get("/healthz"))}
    for label, path in (
        ("queue, first page", "/moderation/"),
        (
            "queue, category + grid filter",
            f"/moderation/?category={ids['category_id']}&grid={ids['grid_id']}",
        ),
        ("queue, overdue, all statuses", "/moderation/?overdue=1&status=all"),
    ):
        results[label] = time_calls(cold(get(path)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tips", type=int, default=100_000)
    parser.add_argument("--postgresql", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    rows = []
    backends = [("SQLite", None)]
    try:
        engine = sa.create_engine(args.postgresql, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS tipboard_bench_queue")
            conn.exec_driver_sql("CREATE DATABASE tipboard_bench_queue")
        backends.append(("PostgreSQL", args.postgresql.rsplit("/", 1)[0] + "/tipboard_bench_queue"))
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc}")
    for name, url in backends:
        app = scratch_app(url)
        ids = seed(app, args.tips)
        results = measure(app, ids)
        base = results["baseline /healthz"]["median_ms"]
        for label, r in results.items():
            rows.append(
                f"| {name} | {label} | {r['median_ms']:.1f} | {r['p90_ms']:.1f} | {r['median_ms'] / base:.1f}× |"
            )
            print(name, label, f"{r['median_ms']:.1f} ms", f"{r['median_ms'] / base:.1f}x")
        with app.app_context():
            from tipboard.extensions import db

            db.engine.dispose()
    if len(backends) > 1:
        engine = sa.create_engine(args.postgresql, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS tipboard_bench_queue WITH (FORCE)")
    body = (
        f"{args.tips:,} tips (and queue items) in the database; in-process requests through the Flask "
        "test client, signed in as staff; 30 timed calls after 3 warm-ups, each with the memoised "
        "categories and grids cleared first (no page is cached). The ratio is to the bare `/healthz` "
        "request (one `SELECT 1`) measured in the same run.\n\n"
        "| database | request | median ms | p90 ms | × baseline |\n|---|---|---|---|---|\n" + "\n".join(rows)
    )
    record("Moderation queue", body)


if __name__ == "__main__":
    main()
