"""A NUL character in the address, the query string or a form field is refused with a 400 that
says why, before any view: PostgreSQL can neither store nor compare one (it was a 500 on the
users' search and the rewards list), SQLite would have stored it."""

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.tips.models import Tip

REASON = "A field holds a NUL character"


@pytest.mark.parametrize(
    "role,path",
    [
        ("admin", "/admin/users?q=a%00b"),
        ("supervisor", "/rewards/?status=%00"),
        ("staff", "/moderation/?category=1&category=%00"),  # a second value of a repeated name
        (None, "/tips/track/ABCD%00"),
    ],
)
def test_a_nul_in_the_address_or_query_is_refused_with_a_reason(client, users, login, role, path):
    if role:
        login(client, users[role])
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 400 and REASON in response.data.decode()


def test_a_nul_in_a_tip_is_refused_and_nothing_is_stored(client, app_ctx):
    category = CategoryFactory()
    db.session.commit()
    response = client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Gas smell\x00 on stairs",
            "address": "Old Street 7",
            "anonymous": "y",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and REASON in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0
    response = client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Gas smell on stairs",
            "address": "Old Street 7",
            "anonymous": "y",
        },
    )
    assert response.status_code == 302  # the same tip without it is taken


def test_the_refusal_reads_in_chinese(client):
    response = client.get("/tips/public?category=%00", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 400 and "空字符" in response.data.decode()
