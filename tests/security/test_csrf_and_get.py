"""CSRF on every state-changing endpoint, and no state change on GET."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.security.matrix import ACCESS, allowed_roles, build_url, method_of, sign_in
from tipboard.extensions import db

POSTS = sorted(e for e, spec in ACCESS.items() if method_of(spec) != "GET")
GETS = sorted(e for e, spec in ACCESS.items() if method_of(spec) == "GET")


def _role_for(spec):
    allowed = allowed_roles(spec)
    for role in ("admin", "supervisor", "staff", "leader", "volunteer", "resident"):
        if role in allowed:
            return role
    return None


def test_there_are_post_endpoints():
    assert POSTS  # the parametrised tests below would silently do nothing otherwise


@pytest.mark.parametrize("endpoint", POSTS)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "allowed-role"])
def test_post_without_csrf_token_is_refused(app, users, monkeypatch, endpoint, signed_in):
    spec = ACCESS[endpoint]
    client = app.test_client()
    if signed_in:
        role = _role_for(spec)
        if role is None:
            pytest.skip("public only")
        sign_in(client, users[role])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.open(
        build_url(app, endpoint, spec), method=method_of(spec), data={"body": "x", "lang": "en"}
    )
    if spec.get("key_only"):  # no cookie is a credential here: without its key the route refuses
        assert response.status_code in (401, 403), (endpoint, response.status_code)
        return
    assert response.status_code == 400, (endpoint, response.status_code)


def test_csrf_token_admits_a_real_form(app, monkeypatch):
    """The refusal above is the missing token, not a broken form: with the token it works."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert token, "login form carries no csrf_token"
    assert client.post("/lang", data={"lang": "en"}).status_code == 400
    response = client.post("/lang", data={"lang": "en", "csrf_token": token.group(1)})
    assert response.status_code == 302


def _row_counts() -> dict[str, int]:
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
    return counts


@pytest.mark.parametrize("endpoint", GETS)
def test_get_changes_no_rows(app, users, endpoint):
    spec = ACCESS[endpoint]
    for role in {None, _role_for(spec)}:
        client = app.test_client()
        if role is not None:
            sign_in(client, users[role])
        before = _row_counts()
        response = client.get(build_url(app, endpoint, spec))
        assert response.status_code < 500
        db.session.expire_all()
        assert _row_counts() == before, (endpoint, role)
