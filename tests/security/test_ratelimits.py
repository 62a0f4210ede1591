"""Rate limits, tested on an app with limits on (the suite's app has them off)."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, CategoryFactory, UserFactory
from tipboard.extensions import db, limiter

# Every rate-limited form: endpoint -> (limit setting, path, a form that fails validation or
# succeeds without side effects that stop a repeat). HOOK for the rewards blueprint: add
# "rewards.claim": ("RATE_CLAIM", "/rewards/claim", {...}) here (or the claim route's path) and
# the generic test below throttles it too.
RATE_LIMITED = {
    "tips.new": ("RATE_TIP_SUBMIT", "/tips/new", {"description": "x"}),
    "tips.track": ("RATE_TRACK_LOOKUP", "/tips/track", {"code": "AAAA-AAAA", "secret": "wrong"}),
    "auth.login": ("RATE_LOGIN", "/auth/login", {"login": "nobody@example.test", "password": "nope"}),
    "auth.register": ("RATE_REGISTER", "/auth/register", {"name": "", "contact": "", "password": ""}),
    "auth.reset_request": ("RATE_PASSWORD_RESET", "/auth/reset", {"login": "nobody@example.test"}),
}
LIMIT = "3 per hour"


@pytest.fixture
def limited_app(fresh_app, tmp_path):
    """Limits on, three requests per hour for every limited form. Restores the shared limiter."""
    was_enabled = limiter.enabled
    settings = {setting: LIMIT for setting, _p, _d in RATE_LIMITED.values()}
    application = make_app(
        fresh_app.config["DATABASE_URL"],
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        **settings,
    )
    assert limiter.enabled
    yield application
    limiter.enabled = was_enabled
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_listed_endpoint_exists(app):
    assert set(RATE_LIMITED) <= set(app.view_functions)


@pytest.mark.parametrize("endpoint", sorted(RATE_LIMITED))
def test_form_is_throttled(limited_app, endpoint):
    _setting, path, data = RATE_LIMITED[endpoint]
    client = limited_app.test_client()
    statuses = [client.post(path, data=data).status_code for _ in range(4)]
    assert all(s != 429 for s in statuses[:3]), statuses
    assert statuses[3] == 429, statuses
    # Another client (another address) is not affected.
    other = limited_app.test_client().post(path, data=data, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code != 429


def test_tip_submission_is_throttled(limited_app):
    with limited_app.app_context():
        category_id = CategoryFactory().id
        db.session.commit()
    client = limited_app.test_client()
    data = {
        "category": str(category_id),
        "description": "Fallen branch on the footpath",
        "address": "No. 9 Example Lane",
        "anonymous": "y",
        "contact_preference": "inbox",
    }
    statuses = [client.post("/tips/new", data=data).status_code for _ in range(4)]
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429, statuses


def test_tracking_lookup_counts_only_wrong_secrets(limited_app):
    with limited_app.app_context():
        category_id = CategoryFactory().id
        db.session.commit()
    client = limited_app.test_client()
    client.post(
        "/tips/new",
        data={
            "category": str(category_id),
            "description": "Broken street light at the corner",
            "address": "No. 1 Example Road",
            "anonymous": "y",
            "contact_preference": "inbox",
        },
    )
    with client.session_transaction() as sess:
        receipt = dict(sess["receipt"])
    good = {"code": receipt["code"], "secret": receipt["secret"]}
    bad = {"code": receipt["code"], "secret": "WRONG-SECRET"}
    for _ in range(6):  # more correct lookups than the limit: none counted
        assert client.post("/tips/track", data=good).status_code == 302
    assert [client.post("/tips/track", data=bad).status_code for _ in range(3)] == [400, 400, 400]
    assert client.post("/tips/track", data=bad).status_code == 429


def test_login_throttle_is_per_client_not_global(limited_app):
    with limited_app.app_context():
        UserFactory(email="throttle@example.test")
        db.session.commit()
    attacker = limited_app.test_client()
    for _ in range(3):
        attacker.post("/auth/login", data={"login": "throttle@example.test", "password": "bad"})
    assert (
        attacker.post(
            "/auth/login", data={"login": "throttle@example.test", "password": TEST_PASSWORD}
        ).status_code
        == 429
    )
    owner = limited_app.test_client()
    response = owner.post(
        "/auth/login",
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        data={"login": "throttle@example.test", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
