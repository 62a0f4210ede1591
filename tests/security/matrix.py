"""Shared helpers for the security tests: the merged ACCESS lists of every blueprint.

Every ``tests/<bp>/access.py`` defines ``ACCESS = {endpoint: {"roles": ..., "method": ...,
"params": {...}, "object": bool}}``; new blueprints plug in by adding their file.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import url_for

from tipboard.permissions import Role

TESTS_DIR = Path(__file__).resolve().parent.parent
ROLES = [None] + [role.value for role in Role]  # None = anonymous visitor


def collect_access() -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for path in sorted(TESTS_DIR.glob("*/access.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access")
        for endpoint, spec in module.ACCESS.items():
            assert endpoint not in merged, f"{endpoint} listed twice ({path})"
            merged[endpoint] = spec
    return merged


ACCESS = collect_access()


def allowed_roles(spec: dict) -> set:
    roles = spec["roles"]
    if roles == "public":
        return set(ROLES)
    if roles == "login":
        return {r for r in ROLES if r is not None}
    return {str(r) for r in roles}


def build_url(app, endpoint: str, spec: dict) -> str:
    with app.test_request_context():
        return url_for(endpoint, **spec.get("params", {}))


def method_of(spec: dict) -> str:
    return spec.get("method", "GET").upper()


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and "/auth/login" in response.headers.get(
        "Location", ""
    )


def sign_in(client, user) -> str:
    """Like the ``login`` fixture, but inside the caller's app context (the ``users`` fixture's
    objects belong to that context's session; ``login`` opens a second one). Returns the token."""
    from tipboard.auth.services import start_login_session
    from tipboard.extensions import db

    token = start_login_session(user).token
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
    return token


def prepared(spec: dict, user) -> dict:
    """Extra request arguments a route needs to be reached at all (an API key): a spec's
    ``prepare(user) -> {"data": ..., "headers": ...}``, called in the test's app context."""
    return spec["prepare"](user) if "prepare" in spec else {}
