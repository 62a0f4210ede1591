"""Password reset: single-use, expiring, hashed tokens through the outbox; no enumeration."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from tests.factories import TEST_PASSWORD, UserFactory
from tipboard.auth.models import LoginSession, PasswordResetToken
from tipboard.auth.reset import request_reset
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage

NEW_PASSWORD = "a brand new passphrase"


def _request(client, login):
    return client.post("/auth/reset", data={"login": login})


def _link_token(user) -> str:
    message = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.key == "auth.password_reset"
        )
    ).one()
    _subject, body = message.render("en", delivering=True)  # the link exists only as sent
    return re.search(r"/auth/reset/([A-Za-z0-9_\-]+)", body).group(1)


def test_reset_flow_single_use_and_revokes_sessions(app, app_ctx, client):
    user = UserFactory(email="reset@example.test")
    db.session.commit()
    other_browser = app.test_client()
    other_browser.post("/auth/login", data={"login": "reset@example.test", "password": TEST_PASSWORD})
    assert other_browser.get("/inbox").status_code == 200

    response = _request(client, "reset@example.test")
    assert response.status_code == 302
    token = _link_token(user)
    stored = db.session.scalars(sa.select(PasswordResetToken)).one()
    assert stored.token_hash != token and token not in stored.token_hash  # only the hash is kept

    assert client.get(f"/auth/reset/{token}").status_code == 200
    response = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    # Single use.
    assert client.get(f"/auth/reset/{token}").status_code == 404
    assert (
        client.post(
            f"/auth/reset/{token}", data={"password": "another one here", "confirm": "another one here"}
        ).status_code
        == 404
    )
    # Every other browser is signed out; the new password works, the old one does not.
    assert other_browser.get("/inbox").status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        )
        == 0
    )
    fresh = app.test_client()
    assert (
        fresh.post("/auth/login", data={"login": "reset@example.test", "password": TEST_PASSWORD}).status_code
        == 400
    )
    assert (
        fresh.post("/auth/login", data={"login": "reset@example.test", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_expired_token_is_refused(app, app_ctx, client):
    user = UserFactory(email="expired@example.test")
    db.session.flush()
    long_ago = dt.datetime(2020, 1, 1)
    token = request_reset("expired@example.test", now=long_ago)
    db.session.commit()
    assert token
    assert client.get(f"/auth/reset/{token}").status_code == 404
    assert (
        client.post(
            f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 404
    )
    db.session.refresh(user)
    from tipboard.auth.services import verify_password

    assert verify_password(user, TEST_PASSWORD)  # unchanged


def test_no_account_enumeration(app_ctx, client):
    UserFactory(email="known@example.test")
    db.session.commit()
    known = _request(client, "known@example.test")
    unknown = _request(client, "stranger@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.key == "auth.password_reset")
        )
        == 1
    )


def test_reset_pages_are_not_cached_and_leak_no_referrer(client):
    response = client.get("/auth/reset")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_token_used_up_between_the_check_and_the_change_is_refused_not_a_500(app_ctx, client, monkeypatch):
    """Two submissions of the same form at once: the second finds the token used inside reset_password."""
    from tipboard.auth import reset

    user = UserFactory(email="race@example.test")
    db.session.commit()
    _request(client, "race@example.test")
    token = _link_token(user)
    real, calls = reset.valid_token, []

    def used_up_on_the_second_look(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs) if len(calls) == 1 else None

    monkeypatch.setattr(reset, "valid_token", used_up_on_the_second_look)
    response = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404 and len(calls) == 2
