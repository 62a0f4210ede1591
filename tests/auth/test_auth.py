import logging

import pytest
import sqlalchemy as sa

from tests.factories import TEST_PASSWORD, UserFactory
from tipboard.auth.models import LoginSession, User
from tipboard.auth.views import safe_next
from tipboard.extensions import db


def _login(client, login, password=TEST_PASSWORD, **extra):
    return client.post("/auth/login", data={"login": login, "password": password, **extra})


def test_register_creates_resident_and_signs_in(client, app_ctx):
    response = client.post(
        "/auth/register",
        data={
            "name": "Li Hua",
            "contact": "13800138000",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.phone == "13800138000"))
    assert user is not None and user.role_names == {"resident"}
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/auth/settings").status_code == 200


@pytest.mark.parametrize("contact", ["not a contact", "12", "a@b", "@example.com"])
def test_register_refuses_bad_contact_with_message(client, contact):
    response = client.post(
        "/auth/register",
        data={"name": "X", "contact": contact, "password": "long enough pw", "confirm": "long enough pw"},
    )
    assert response.status_code == 400
    assert b"mobile number or an email" in response.data


def test_register_refuses_taken_email_and_short_password(client, app_ctx):
    UserFactory(email="taken@example.test")
    response = client.post(
        "/auth/register",
        data={
            "name": "X",
            "contact": "Taken@Example.test",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert response.status_code == 400 and b"already exists" in response.data
    response = client.post(
        "/auth/register",
        data={"name": "X", "contact": "new@example.test", "password": "short", "confirm": "short"},
    )
    assert response.status_code == 400 and b"10 to 128" in response.data


def test_login_by_email_phone_or_username(client, app_ctx):
    UserFactory(email="a@example.test", phone="13900000000", username="alice")
    for login in ("a@example.test", "139 0000 0000", "alice"):
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
        response = _login(client, login)
        assert response.status_code == 302, login
        client.post("/auth/logout")


def test_session_rotates_at_login_and_dies_at_logout(app, app_ctx):
    user = UserFactory(email="b@example.test")
    client = app.test_client()
    client.get("/auth/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    _login(client, "b@example.test")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        token = sess["_user_id"]
    assert db.session.scalar(sa.select(LoginSession).where(LoginSession.token == token)).user_id == user.id

    stolen = app.test_client()
    with stolen.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = token, True
    assert stolen.get("/auth/settings").status_code == 200

    client.post("/auth/logout")
    assert client.get("/auth/settings").status_code == 302
    assert stolen.get("/auth/settings").status_code == 302  # the old cookie is dead too

    _login(client, "b@example.test")
    with client.session_transaction() as sess:
        assert sess["_user_id"] != token


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/tips/mine", "/tips/mine"),
        ("//evil.example", None),
        ("https://evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        ("tips", None),
    ],
)
def test_next_only_redirects_within_the_site(target, expected):
    assert safe_next(target) == expected


def test_login_follows_safe_next_only(client, app_ctx):
    UserFactory(email="c@example.test")
    response = _login(client, "c@example.test", next="https://evil.example/")
    assert response.headers["Location"] == "/"
    client.post("/auth/logout")
    response = _login(client, "c@example.test", next="/tips/mine")
    assert response.headers["Location"] == "/tips/mine"


def test_unknown_account_gets_the_same_message(client):
    response = _login(client, "nobody@example.test")
    assert response.status_code == 400 and b"the login or the password is wrong" in response.data


def test_change_password_signs_out_other_devices(app, app_ctx, login):
    user = UserFactory(email="e@example.test")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    response = phone.post(
        "/auth/password",
        data={"current": TEST_PASSWORD, "password": "a new long password", "confirm": "a new long password"},
    )
    assert response.status_code == 302
    assert phone.get("/auth/settings").status_code == 200
    assert laptop.get("/auth/settings").status_code == 302
    assert _login(app.test_client(), "e@example.test", "a new long password").status_code == 302


def test_change_password_refuses_wrong_current(client, app_ctx, login):
    login(client, UserFactory())
    response = client.post(
        "/auth/password",
        data={
            "current": "not it at all",
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 400 and b"current password is wrong" in response.data


def test_auth_events_are_logged_without_passwords(client, app_ctx, caplog):
    UserFactory(email="f@example.test")
    with caplog.at_level(logging.INFO, logger="tipboard.auth"):
        _login(client, "f@example.test", "secret-wrong-pass")
        _login(client, "f@example.test")
        client.post("/auth/logout")
    text = caplog.text
    assert "auth.login_failed" in text and "auth.login " in text and "auth.logout" in text
    assert "secret-wrong-pass" not in text and TEST_PASSWORD not in text


def test_settings_saves_language(client, app_ctx, login):
    user = UserFactory(locale="en")
    login(client, user)
    client.post("/auth/settings", data={"locale": "zh_Hans"})
    db.session.refresh(user)
    assert user.locale == "zh_Hans"
    assert "账户".encode() in client.get("/auth/settings").data


def test_lower_roles_are_refused(client, users, login):
    """Anonymous visitors are sent to log in from account pages."""
    for path in ("/auth/settings", "/auth/password", "/tips/mine", "/inbox"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, users["resident"])
    assert client.get("/moderation/").status_code == 403
