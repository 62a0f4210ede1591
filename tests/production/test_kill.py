"""Nothing accepted is lost: gunicorn workers are SIGKILLed while clients submit tips; every tip
whose receipt a client received is stored exactly once.

The app runs with the production config and CSRF ON: each client GETs the form (token and
session cookie) before it POSTs. Rate limits are off (many tips from one address).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.production.harness import (
    Failed,
    Server,
    WorkerKiller,
    csrf_token,
    migrate,
    run_clients,
    server_env,
)

pytestmark = pytest.mark.slow


def _seed_category(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO category (slug, name_en, name_zh, hint_en, hint_zh, is_hazard, response_hours, resolution_hours,"
                " active, sort_order) VALUES ('kill-test', 'Kill test', '测试', '', '', true, 4, 72, true, 0)"
            )
        )
        category_id = conn.execute(sa.text("SELECT id FROM category WHERE slug = 'kill-test'")).scalar()
    engine.dispose()
    return category_id


def submit_tip_scenario(category_id: int):
    def scenario(client, no: int, attempt: int):
        marker = f"kill-test client {no} attempt {attempt}"
        status, _, html = client.get("/tips/new")
        if status != 200:
            raise Failed(f"form: {status}")
        status, headers, _ = client.post(
            "/tips/new",
            {
                "csrf_token": csrf_token(html),
                "category": str(category_id),
                "description": marker,
                "address": "Harness road 7",
                "anonymous": "y",
                "contact_preference": "inbox",
            },
        )
        if status != 302 or "/tips/receipt" not in headers.get("Location", ""):
            raise Failed(f"submit: {status}")
        status, _, page = client.get("/tips/receipt")
        match = re.search(r'id="tracking-code">([^<]+)<', page)
        if status != 200 or not match:
            raise Failed(f"receipt: {status}")
        return match.group(1), marker

    return scenario


def test_no_accepted_tip_is_lost(databases, tmp_path):
    url = databases.new()  # an empty file (SQLite) or database (PostgreSQL pass), migrated below
    env = server_env(url, tmp_path, RATELIMIT_ENABLED="false")
    migrate(env)
    category_id = _seed_category(url)

    with Server(env, workers=4) as server:
        killer = WorkerKiller(server, max_kills=8, pause=(0.1, 0.4), seed=7)
        killer.start()
        results = run_clients(server.port, submit_tip_scenario(category_id), clients=6, per_client=15)
        killer.stop()

    print(f"kills={killer.kills} receipts={len(results.succeeded)} failed={results.failed}")
    assert results.errors == []
    assert killer.kills > 0, "no worker was killed; the test proved nothing"
    assert results.succeeded, "no submission succeeded at all"
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT tracking_code, description FROM tip")).all()
    engine.dispose()
    by_code: dict[str, list[str]] = {}
    for code, description in rows:
        by_code.setdefault(code, []).append(description)
    descriptions = [d for _, d in rows]
    for code, marker in results.succeeded:
        assert by_code.get(code) == [marker], f"tip {code} lost or changed"
        assert descriptions.count(marker) == 1, f"{marker!r} stored {descriptions.count(marker)} times"
    # Nothing is stored twice, whether or not its client saw the receipt.
    assert len(set(descriptions)) == len(descriptions)


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', html)
    if not match:
        raise Failed(f"no {name} in the page")
    return match.group(1)


@pytest.mark.own_database
def test_no_approval_seen_to_succeed_is_lost_or_doubled(databases, tmp_path):
    """A supervisor approves 15 rewards while workers die; a retry resends the same idempotency
    key, as a browser resubmitting the form does."""

    from tests.conftest import make_app
    from tests.factories import CategoryFactory, TipFactory, UserFactory
    from tests.production.harness import Client
    from tests.rewards.factories import BudgetFactory, FundFactory, RuleFactory
    from tipboard.extensions import db
    from tipboard.moderation.services import item_for
    from tipboard.permissions import Role
    from tipboard.rewards import books, services
    from tipboard.rewards.models import LedgerEntry, Reward
    from tipboard.timezones import local_now
    from tipboard.tips.workflow import TipAction, transition

    url = databases.new(template=databases.template_arg(databases.pristine))
    seed = make_app(url, tmp_path / "seed")
    with seed.app_context():
        category = CategoryFactory()
        RuleFactory(category_id=category.id)
        BudgetFactory(
            fund=FundFactory(code="hazard"), period=local_now().strftime("%Y-%m"), amount_fen=10_000_000
        )
        staff = UserFactory(roles=(Role.STAFF,))
        UserFactory(email="boss@example.test", roles=(Role.STAFF, Role.SUPERVISOR))
        items = []
        for _ in range(15):
            tip = TipFactory(category=category)
            transition(tip, TipAction.VERIFY, staff)
            items.append(item_for("reward", services.reward_for_tip(tip.id).id).id)
        db.session.commit()
        db.engine.dispose()

    env = server_env(url, tmp_path, RATELIMIT_ENABLED="false")
    seen_ok = []
    with Server(env, workers=3) as server:
        boss = Client(server.port)
        _, _, page = boss.get("/auth/login")
        status, _, _ = boss.post(
            "/auth/login",
            {
                "csrf_token": csrf_token(page),
                "login": "boss@example.test",
                "password": "correct horse battery",
            },
        )
        assert status == 302
        killer = WorkerKiller(server, max_kills=6, pause=(0.2, 0.6), seed=3)
        killer.start()
        for done, item_id in enumerate(items):
            if done == len(items) // 3:
                killer.wait_for_kill()  # preloaded workers answer fast: make sure one dies midway
            key = None
            for _attempt in range(8):
                try:
                    status, _, page = boss.get(f"/moderation/item/{item_id}")
                    if status != 200:
                        continue
                    key = key or _field(page, "approve-idempotency_key")
                    status, _, _ = boss.post(
                        f"/moderation/item/{item_id}/act/approve",
                        {
                            "approve-csrf_token": _field(page, "approve-csrf_token"),
                            "approve-idempotency_key": key,
                        },
                    )
                except (Failed, OSError, ConnectionError):
                    continue
                except Exception as exc:
                    if "http.client" in type(exc).__module__:
                        continue
                    raise
                if status in (302, 303):
                    seen_ok.append(item_id)
                    break
        killer.stop()

    assert killer.kills > 0 and seen_ok
    with seed.app_context():
        approved = db.session.scalar(
            sa.select(sa.func.count()).select_from(Reward).where(Reward.status == "approved")
        )
        reserves = db.session.scalars(
            sa.select(LedgerEntry.reward_id).where(LedgerEntry.kind == "reserve")
        ).all()
        assert len(reserves) == len(set(reserves)) == approved  # none doubled
        approved_items = {item_for("reward", r).id for r in reserves}
        assert set(seen_ok) <= approved_items  # none the client saw succeed is missing
        assert books.check_books() == []
        db.session.remove()
        db.engine.dispose()
