"""Throttles that slow attackers without telling them who has an account, without letting them
lock anyone out, and without punishing everybody behind one shared (carrier NAT) address."""

from __future__ import annotations

import re
import socket
import threading

import pytest

from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, CategoryFactory, UserFactory
from tipboard.extensions import db, limiter
from tipboard.permissions import Role

ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
OWNER = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def limited(fresh_app, tmp_path):
    """``limited(**settings)``: an app with rate limits on (in memory); restores the shared limiter."""
    was_enabled = limiter.enabled
    made = []

    def build(**settings):
        application = make_app(
            fresh_app.config["DATABASE_URL"],
            tmp_path / f"limited{len(made)}",
            RATELIMIT_ENABLED=True,
            **settings,
        )
        made.append(application)
        return application

    yield build
    limiter.enabled = was_enabled
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _client(application, environ=None):
    client = application.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.environ_base.update(environ or {})
    return client


def _login(client, login, password="wrong password"):
    return client.post("/auth/login", data={"login": login, "password": password})


def _page(response, login) -> str:
    """The page without what differs by design: the login typed and the per-session CSRF token."""
    page = re.sub(r"<input[^>]*csrf_token[^>]*>", "", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", page.replace(login, "LOGIN"))


# --- item 7: sign-in ------------------------------------------------------------------------------


def test_unknown_and_real_accounts_answer_alike_even_after_many_failures(limited):
    application = limited()
    with application.app_context():
        UserFactory(email="real@example.test")
        db.session.commit()
    real, unknown = _client(application, ATTACKER), _client(application, {"REMOTE_ADDR": "198.51.100.67"})
    real_answers = [_login(real, "real@example.test") for _ in range(8)]
    unknown_answers = [_login(unknown, "ghost@example.test") for _ in range(8)]
    assert [r.status_code for r in real_answers] == [r.status_code for r in unknown_answers]
    assert 429 in [r.status_code for r in real_answers]  # throttled in the end, both alike
    for a, b in zip(real_answers, unknown_answers, strict=True):
        assert _page(a, "real@example.test") == _page(b, "ghost@example.test")
        assert "the login or the password is wrong" in a.get_data(as_text=True)
        assert "locked" not in a.get_data(as_text=True).lower()


def test_an_attackers_failures_do_not_keep_the_owner_out(limited):
    application = limited()
    with application.app_context():
        UserFactory(email="owner@example.test", roles=(Role.ADMIN,))
        db.session.commit()
    attacker = _client(application, ATTACKER)
    for _ in range(12):
        _login(attacker, "owner@example.test")
    # The attacker is slowed down, even with the right password ...
    assert _login(attacker, "owner@example.test", TEST_PASSWORD).status_code == 429
    # ... the owner, from another address, signs in at once.
    assert _login(_client(application, OWNER), "owner@example.test", TEST_PASSWORD).status_code == 302


# --- item 8: per-browser buckets beside generous per-address ones -------------------------------


def _tip(category_id):
    return {
        "category": str(category_id),
        "description": "Fallen branch on the footpath",
        "address": "No. 9 Example Lane",
        "anonymous": "y",
        "contact_preference": "inbox",
    }


def test_one_browser_used_up_does_not_block_its_neighbours(limited):
    application = limited(RATE_TIP_SUBMIT="3 per hour")
    with application.app_context():
        category_id = CategoryFactory().id
        db.session.commit()
    busy = _client(application)
    assert [busy.post("/tips/new", data=_tip(category_id)).status_code for _ in range(4)] == [
        302,
        302,
        302,
        429,
    ]
    neighbour = _client(application)  # another phone behind the same carrier address
    assert neighbour.post("/tips/new", data=_tip(category_id)).status_code == 302


def test_the_address_bucket_still_caps_browsers_that_drop_their_cookie(limited):
    application = limited(RATE_TIP_SUBMIT_ADDRESS="5 per hour")
    with application.app_context():
        category_id = CategoryFactory().id
        db.session.commit()
    statuses = [_client(application).post("/tips/new", data=_tip(category_id)).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


def test_the_429_page_says_what_happened_and_when_to_retry(limited):
    application = limited(RATE_PASSWORD_RESET="1 per hour")
    client = _client(application)
    client.post("/auth/reset", data={"login": "someone@example.test"})
    response = client.post("/auth/reset", data={"login": "someone@example.test"})
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "too often" in text and re.search(r"try again in about \d+ minutes", text)
    zh = client.post(
        "/auth/reset", data={"login": "someone@example.test"}, headers={"Accept-Language": "zh-CN"}
    )
    assert zh.status_code == 429 and "分钟" in zh.get_data(as_text=True)


def test_staff_at_the_desk_are_not_limited_per_address(limited):
    application = limited(RATE_CLAIM_DESK="3 per hour")
    with application.app_context():
        UserFactory(email="desk1@example.test", roles=(Role.STAFF,))
        UserFactory(email="desk2@example.test", roles=(Role.STAFF,))
        db.session.commit()
    first, second = _client(application), _client(application)  # same station address
    assert _login(first, "desk1@example.test", TEST_PASSWORD).status_code == 302
    assert _login(second, "desk2@example.test", TEST_PASSWORD).status_code == 302
    mistyped = {"code": "ZZZZ-ZZZZ-ZZZZ"}
    assert [first.post("/rewards/redeem", data=mistyped).status_code for _ in range(4)] == [
        400,
        400,
        400,
        429,
    ]
    # A colleague at the same desk (same address) is not locked out by those mistakes.
    assert second.post("/rewards/redeem", data=mistyped).status_code == 400


def test_every_public_limit_has_a_browser_and_an_address_bucket(app):
    """The class: no limited route counts per address alone (a carrier NAT is a neighbourhood);
    desk work counts per staff account only."""
    from tipboard.ratelimit import api_client_key, browser_key, client_key, staff_key

    routes = {
        route: {lim.key_func or client_key for group in limits for lim in group}
        for route, limits in limiter.limit_manager._decorated_limits.items()
    }
    assert len(routes) >= 8
    for route, keys in routes.items():
        if keys in ({staff_key}, {api_client_key}):  # an API client is limited per key
            continue
        assert browser_key in keys and client_key in keys, (route, keys)


# --- item 11: a hung Redis costs a few slow calls, not one per request ------------------------------


class HungServer:
    """Accepts connections and never answers (a hung Redis); counts the connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted, self._open, self._stop = 0, [], False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self._open.append(conn)  # held open, never read from, never answered

    def close(self):
        self._stop = True
        self.sock.close()
        for conn in self._open:
            conn.close()


def test_a_hung_redis_is_skipped_after_it_fails(limited):
    server = HungServer()
    try:
        application = limited(
            REDIS_URL=f"redis://127.0.0.1:{server.port}/0", CACHE_TYPE="SimpleCache", CACHE_OPTIONS={}
        )
        client = _client(application)
        requests = 20
        statuses = [
            client.post("/auth/reset", data={"login": "nobody@example.test"}).status_code
            for _ in range(requests)
        ]
        assert all(s in (302, 429) for s in statuses)  # never an error page
        # Each connection the limiter opened to the hung server is one call that waited for the
        # timeout. Without the fallback every request paid it (two limits: >= 2 per request).
        assert server.accepted <= 6, server.accepted
    finally:
        server.close()
