"""Numbers too large for an id column, in URLs, query strings and cursors: a 404 or an ignored
filter, never a 500 (SQLite raised OverflowError, PostgreSQL 'integer out of range')."""

import base64
import json

import pytest

from tipboard.ids import MAX_ID, db_id

BIG = "99999999999999999999"
CURSOR = base64.urlsafe_b64encode(json.dumps([int(BIG), "2025-01-01T00:00:00", int(BIG)]).encode()).decode()

NOT_FOUND = [
    f"/moderation/item/{BIG}",
    f"/moderation/templates/{BIG}",
    f"/admin/categories/{BIG}",
    f"/admin/grids/{BIG}",
    f"/admin/users/{BIG}",
    f"/moderation/item/{MAX_ID + 1}",
]
IGNORED = [
    f"/tips/public?before={BIG}",
    f"/tips/public?category={BIG}",
    f"/tips/public.json?category={BIG}",
    f"/moderation/?category={BIG}",
    f"/moderation/?grid={BIG}&assignee={BIG}",
    f"/moderation/?after={CURSOR}",
    f"/tips/new?category={BIG}",
    "/tips/public?before=-5",
]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_an_id_too_large_names_nothing(client, users, login, path):
    login(client, users["admin"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", IGNORED)
def test_a_filter_too_large_is_ignored(client, users, login, path):
    login(client, users["admin"])
    assert client.get(path).status_code == 200


def test_posts_to_ids_too_large(client, users, login):
    login(client, users["staff"])
    assert client.post(f"/tips/{BIG}/me-too").status_code == 404
    assert client.post(f"/moderation/item/{BIG}/claim").status_code == 404
    assert client.get(f"/tips/nearby?category={BIG}&lat=31.95&lon=119.96").status_code == 400


@pytest.mark.parametrize(
    "text,expected",
    [
        ("7", 7),
        (str(MAX_ID), MAX_ID),
        (BIG, None),
        ("0", None),
        ("-3", None),
        ("x", None),
        ("", None),
        ("²", None),
    ],
)
def test_db_id(text, expected):
    try:
        assert db_id(text) == expected
    except ValueError:
        assert expected is None


def test_a_form_with_a_choice_not_offered_answers_400(client, app_ctx, users, login):
    login(client, users["admin"])
    assert client.post("/auth/settings", data={"locale": "xx"}).status_code == 400
    target = users["resident"]
    response = client.post(f"/admin/users/{target.id}", data={"roles": ["emperor"], "active": "y"})
    assert response.status_code == 400 and target.role_names == {"resident"}
