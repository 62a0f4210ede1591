"""Every endpoint, signed in as a role it admits, answers junk in every usual field name (a query
string for a GET, a form body otherwise) with a page or a refusal, never a 500: on SQLite and on
PostgreSQL, which refuses more (NUL characters, integers out of range, unparsable dates)."""

from __future__ import annotations

import pytest

from tests.security.matrix import ACCESS, allowed_roles, build_url, method_of, sign_in

# What a tampered form or URL might carry.
JUNK = [
    "",
    "-1",
    "99999999999999999999",
    "nan",
    "1e309",
    "abc",
    "x" * 5000,
    "a\x00b",
    "%",
    "é²",
    "2025-13-45",
    "0001-01-01",
    "9999-12-31T23:59",
    "../../etc/passwd",
    "<script>",
    "[]",
]
# The field and query names the app's forms and filters use (all sent at once with one value).
NAMES = [
    "page",
    "category",
    "category_id",
    "grid",
    "status",
    "after",
    "before",
    "q",
    "lat",
    "lon",
    "week",
    "from",
    "to",
    "code",
    "secret",
    "next",
    "lang",
    "locale",
    "kind",
    "assignee",
    "team",
    "month",
    "fund",
    "day",
    "id",
    "item",
    "shift_id",
    "user_id",
    "amount",
    "amount_yuan",
    "reason",
    "body",
    "title",
    "name",
    "role",
    "roles",
    "description",
    "address",
    "seen_at",
    "point",
    "action",
    "comment",
    "satisfaction",
    "fixed",
    "starts_at",
    "ends_at",
    "min_volunteers",
    "max_volunteers",
    "weekdays",
    "rule",
    "method",
    "reference",
    "note",
    "token",
    "password",
    "login",
    "contact",
    "upload_token",
    "origin",
    "nearby_checked",
    "anonymous",
    "contact_preference",
    "slug",
    "active",
]


def _role_for(spec: dict):
    """A role the endpoint admits (a signed-in one where it takes any), so its view runs."""
    roles = allowed_roles(spec) - {None}
    return sorted(roles)[0] if roles else None


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_junk_in_every_field_is_never_a_500(app, users, endpoint):
    spec = ACCESS[endpoint]
    client = app.test_client()
    role = _role_for(spec)
    if role is not None:
        sign_in(client, users[role])
    url, method = build_url(app, endpoint, spec), method_of(spec)
    failed = []
    for value in JUNK:
        fields = dict.fromkeys(NAMES, value)
        if method == "GET":
            response = client.get(url, query_string=fields)
        else:
            response = client.open(url, method=method, data=fields)
        if response.status_code >= 500:
            failed.append((value[:12], response.status_code))
    assert not failed, f"{method} {url} as {role}: {failed}"
