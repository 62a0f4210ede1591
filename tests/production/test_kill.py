"""Nothing accepted is lost: workers are SIGKILLed at random while clients submit tips and approve
rewards; every tip whose receipt a client saw is stored exactly once, and no approval a client saw
succeed is missing or doubled."""
import random
import re
import threading
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import BACKEND
from tests.production.harness import Client, Server

pytestmark = [pytest.mark.slow, pytest.mark.own_database]

CLIENTS, TIPS_EACH = 4, 15


@pytest.fixture
def served(databases, tmp_path):
    """A migrated database (a file for SQLite) with one category, served by gunicorn."""
    from tests.conftest import make_app
    from tipboard.extensions import db

    url = databases.new(template=databases.template_arg(databases.pristine))
    setup = make_app(url, tmp_path)
    with setup.app_context():
        from tests.factories import CategoryFactory

        category = CategoryFactory(slug="fire")
        db.session.commit()
        category_id = category.id
        db.engine.dispose()
    server = Server(url, tmp_path, workers=3)
    yield server, setup, category_id
    server.stop()


def test_every_received_receipt_is_stored_exactly_once(served):
    server, setup, category_id = served
    rng = random.Random(4)
    running, kills, confirmed, failures = threading.Event(), [], [], []
    running.set()
    killer = threading.Thread(target=server.kill_workers_while, args=(running, rng, kills))

    def tipster(n):
        client = Client(server.base)
        for i in range(TIPS_EACH):
            text = f"kill-test {n}-{i} {uuid.uuid4().hex[:8]}"
            status, location, _ = client.request("/tips/new", {
                "category": str(category_id), "description": text, "address": "Lane 5", "anonymous": "y"})
            if status != 302 or not location.endswith("/tips/receipt"):
                failures.append(status)
                continue  # the worker died before answering: the client never got a receipt
            status, _loc, page = client.request("/tips/receipt")
            match = re.search(r'id="tracking-code">([^<]+)<', page)
            if status == 200 and match:
                confirmed.append((match.group(1), text))

    killer.start()
    workers = [threading.Thread(target=tipster, args=(n,)) for n in range(CLIENTS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(240)
    running.clear()
    killer.join(10)
    assert kills, "no worker was killed: the test proved nothing"
    assert len(confirmed) >= CLIENTS * TIPS_EACH // 3, f"too few tips got through to judge: {failures[:10]}"
    from tipboard.extensions import db
    from tipboard.tips.models import Tip

    with setup.app_context():
        rows = db.session.execute(sa.select(Tip.tracking_code, Tip.description)).all()
        db.engine.dispose()
    stored = {}
    for code, description in rows:
        stored.setdefault(description, []).append(code)
    for code, text in confirmed:
        assert stored.get(text) == [code], f"{text}: receipt {code}, stored {stored.get(text)}"


def test_approvals_seen_to_succeed_are_there_once(served):
    server, setup, category_id = served
    from tests.factories import TipFactory, UserFactory
    from tests.rewards.factories import BudgetFactory, FundFactory, RuleFactory
    from tipboard.extensions import db
    from tipboard.moderation.services import item_for
    from tipboard.permissions import Role
    from tipboard.rewards import services
    from tipboard.rewards.models import LedgerEntry, Reward
    from tipboard.timezones import local_now
    from tipboard.tips.models import Category
    from tipboard.tips.workflow import TipAction, transition

    with setup.app_context():
        RuleFactory(category_id=category_id)
        BudgetFactory(fund=FundFactory(code="hazard"), period=local_now().strftime("%Y-%m"), amount_fen=10_000_000)
        staff = UserFactory(roles=(Role.STAFF,))
        UserFactory(email="boss@example.test", roles=(Role.STAFF, Role.SUPERVISOR))
        items = []
        for _ in range(20):
            tip = TipFactory(category=db.session.get(Category, category_id))
            transition(tip, TipAction.VERIFY, staff)
            items.append(item_for("reward", services.reward_for_tip(tip.id).id).id)
        db.session.commit()
        db.engine.dispose()
    boss = Client(server.base)
    assert boss.request("/auth/login", {"login": "boss@example.test", "password": "correct horse battery"})[0] == 302
    rng = random.Random(9)
    running, kills, seen_ok = threading.Event(), [], []
    running.set()
    killer = threading.Thread(target=server.kill_workers_while, args=(running, rng, kills))
    killer.start()
    for item_id in items:
        key = uuid.uuid4().hex
        for _attempt in range(6):  # a retry sends the same idempotency key, as a browser resubmit does
            status, location, _ = boss.request(f"/moderation/item/{item_id}/act/approve",
                                               {"approve-idempotency_key": key})
            if status in (302, 303):
                seen_ok.append(item_id)
                break
    running.clear()
    killer.join(10)
    with setup.app_context():
        approved = db.session.scalar(sa.select(sa.func.count()).select_from(Reward).where(Reward.status == "approved"))
        reserves = db.session.scalars(sa.select(LedgerEntry.reward_id).where(LedgerEntry.kind == "reserve")).all()
        assert len(reserves) == len(set(reserves)) == approved  # none doubled
        assert approved >= len(seen_ok)  # none the client saw succeed is missing
        assert services.check_books() == []
        db.engine.dispose()
    assert kills and seen_ok
