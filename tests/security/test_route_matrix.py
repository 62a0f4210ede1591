"""The role x route matrix: every endpoint of the app is listed, and nobody gets in uninvited."""

from __future__ import annotations

import pytest

from tests.security.matrix import (
    ACCESS,
    ROLES,
    allowed_roles,
    build_url,
    is_login_redirect,
    method_of,
    prepared,
    sign_in,
)


def test_every_endpoint_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ACCESS))
    absent = sorted(set(ACCESS) - endpoints)
    assert not missing, f"endpoints without an entry in tests/*/access.py: {missing}"
    assert not absent, f"listed in tests/*/access.py but not in the app: {absent}"


def test_every_view_has_an_access_decorator(app):
    undecorated = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access_roles")
    )
    assert not undecorated, f"views without @public/@login_required/@roles_required: {undecorated}"


def test_listed_roles_match_the_decorators(app):
    """The list and the code agree: a route's decorator admits exactly the listed roles."""
    mismatched = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static" or endpoint not in ACCESS:
            continue
        declared = view.access_roles
        expected = ACCESS[endpoint]["roles"]
        if expected == "public":
            ok = declared == "public"
        else:
            ok = declared != "public" and set(declared) == (allowed_roles(ACCESS[endpoint]))
        if not ok:
            mismatched.append((endpoint, declared, expected))
    assert not mismatched, mismatched


def _request(app, users, endpoint, spec, role):
    client = app.test_client()
    if role is not None:
        sign_in(client, users[role])
    url = build_url(app, endpoint, spec)
    extra = prepared(spec, users[role] if role is not None else None)
    return client.open(url, method=method_of(spec), data=extra.get("data", {}), headers=extra.get("headers"))


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_role_matrix(app, users, endpoint, role):
    spec = ACCESS[endpoint]
    response = _request(app, users, endpoint, spec, role)
    status = response.status_code
    assert status < 500, f"{endpoint} as {role}: {status}"
    allowed = role in allowed_roles(spec)
    if spec.get("object"):
        # Per-object routes: no owner here, so nobody may see a 2xx unless the route is theirs.
        if not allowed:
            assert not 200 <= status < 300, f"{endpoint} as {role}: {status}"
        return
    if allowed:
        assert status != 403, f"{endpoint} refused its own role {role}"
        if role is not None:
            assert not is_login_redirect(response), f"{endpoint} sends {role} to log in"
        elif spec["roles"] == "public":
            assert not is_login_redirect(response), f"public {endpoint} asks for a login"
    else:
        assert status in (401, 403) or is_login_redirect(response), (
            f"{endpoint} let {role or 'anonymous'} in: {status} {response.headers.get('Location')}"
        )
