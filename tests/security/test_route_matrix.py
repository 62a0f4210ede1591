"""Role x route matrix, generated from app.url_map and the per-blueprint lists in tests/*/access.py.

Every endpoint must be listed with the roles allowed in; the test requests each with an anonymous
visitor and with one user per role and fails if a role outside the list gets in, or if an allowed
role is refused. Per-object routes ("object": True) are checked only for not letting anyone in
without the object's own rule (their per-object tests live with their blueprint).
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import tests
from tipboard.permissions import Role

ROLES = [r.value for r in Role]


def _collect() -> dict[str, dict]:
    access: dict[str, dict] = {}
    for module in pkgutil.iter_modules([str(Path(tests.__file__).parent)]):
        try:
            listed = importlib.import_module(f"tests.{module.name}.access").ACCESS
        except ModuleNotFoundError:
            continue
        overlap = set(access) & set(listed)
        assert not overlap, f"listed twice: {overlap}"
        access.update(listed)
    return access


ACCESS = _collect()


def _allowed(entry, role: str | None) -> bool:
    roles = entry["roles"]
    if roles == "public":
        return True
    if role is None:
        return False
    return roles == "login" or role in roles


def test_every_endpoint_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ACCESS))
    stale = sorted(set(ACCESS) - endpoints)
    assert missing == [], f"add these endpoints to tests/<blueprint>/access.py: {missing}"
    assert stale == [], f"these listed endpoints no longer exist: {stale}"


def test_every_view_declares_its_access(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and not hasattr(view, "access_roles")]
    assert undeclared == []


def _url(app, endpoint: str, entry: dict) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **entry.get("params", {}))


def _got_in(response) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    if response.status_code in (301, 302, 303) and "/auth/login" in response.headers.get("Location", ""):
        return False
    return True


@pytest.mark.parametrize("role", [None] + ROLES, ids=["anonymous"] + ROLES)
def test_roles_against_every_route(app, client, users, login, role):
    if role is not None:
        login(client, users[role])
    wrong = []
    for endpoint, entry in sorted(ACCESS.items()):
        method = entry.get("method", "GET")
        response = client.open(_url(app, endpoint, entry), method=method)
        allowed = _allowed(entry, role)
        if entry.get("object"):
            if not allowed and _got_in(response):
                wrong.append((endpoint, "let in", response.status_code))
            continue
        if not allowed and _got_in(response):
            wrong.append((endpoint, "let in", response.status_code))
        if allowed and response.status_code == 403:
            wrong.append((endpoint, "refused", response.status_code))
        if response.status_code >= 500:
            wrong.append((endpoint, "server error", response.status_code))
    assert wrong == []
