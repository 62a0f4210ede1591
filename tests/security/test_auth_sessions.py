"""Session rotation at login, death at logout, safe ``next``, login throttling."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import TEST_PASSWORD, UserFactory
from tipboard.auth.models import LoginSession
from tipboard.extensions import db


def _session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _login(client, login, password=TEST_PASSWORD, **extra):
    return client.post("/auth/login", data={"login": login, "password": password, **extra})


@pytest.fixture
def resident(app_ctx):
    user = UserFactory(email="rotate@example.test")
    db.session.commit()
    return user


def test_session_rotates_at_login(app, resident):
    client = app.test_client()
    with client.session_transaction() as sess:  # a planted pre-login session (fixation attempt)
        sess["_user_id"] = "planted-token"
        sess["planted"] = "yes"
    before = _session_cookie(client)
    assert _login(client, "rotate@example.test").status_code == 302
    after = _session_cookie(client)
    assert before and after and before != after
    with client.session_transaction() as sess:
        assert "planted" not in sess
        token = sess["_user_id"]
    assert token != "planted-token"
    assert db.session.scalar(sa.select(LoginSession).where(LoginSession.token == token)) is not None
    # The old cookie is useless: it is not signed in.
    stale = app.test_client()
    stale.set_cookie("session", before)
    assert stale.get("/inbox").status_code == 302


def test_logout_kills_the_session_and_replay_fails(app, resident):
    client = app.test_client()
    _login(client, "rotate@example.test", remember="y")
    assert client.get("/inbox").status_code == 200
    old_session = _session_cookie(client)
    old_remember = client.get_cookie("remember_token").value
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/inbox").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_session)
    replay.set_cookie("remember_token", old_remember)
    response = replay.get("/inbox")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
    ],
)
def test_next_never_leaves_the_site(app, resident, target):
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"login": "rotate@example.test", "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and not location.startswith("javascript"), location


def test_next_to_this_site_is_kept(app, resident):
    response = app.test_client().post(
        "/auth/login", data={"login": "rotate@example.test", "password": TEST_PASSWORD, "next": "/inbox"}
    )
    assert response.headers["Location"].endswith("/inbox")


def test_unknown_account_and_wrong_password_look_the_same(app, resident):
    client = app.test_client()
    unknown = _login(client, "nobody@example.test", "wrong password")
    wrong = _login(client, "rotate@example.test", "wrong password")
    assert unknown.status_code == wrong.status_code == 400

    def strip(response):
        page = response.get_data(as_text=True)
        return page.replace("nobody@example.test", "X").replace("rotate@example.test", "X")

    assert strip(unknown).count("error") == strip(wrong).count("error")
