"""Account services called directly."""

import pytest

from tests.factories import UserFactory
from tests.sqlcount import statements
from tipboard.auth import services
from tipboard.auth.models import User
from tipboard.extensions import db


def test_choose_language_remembers_an_offered_language_on_the_account(app_ctx):
    user = UserFactory(locale="en")
    assert services.choose_language(user, "zh_Hans") == "zh_Hans"
    db.session.expire(user)
    assert db.session.get(User, user.id).locale == "zh_Hans"


def test_choose_language_without_an_account_only_answers(app_ctx):
    with statements() as sent:
        assert services.choose_language(None, "en") == "en"
    assert sent == []


@pytest.mark.parametrize("lang", ["fr", "", None, "zh_Hans" * 50, "EN"])
def test_choose_language_refuses_what_the_app_does_not_offer(app_ctx, lang):
    user = UserFactory(locale="en")
    assert services.choose_language(user, lang) is None
    assert user.locale == "en"


def test_the_switch_with_an_unknown_language_changes_nothing(client, app_ctx, login):
    user = UserFactory(locale="en")
    login(client, user)
    response = client.post("/lang", data={"lang": "xx", "next": "/tips/new"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tips/new")
    db.session.expire(user)
    assert db.session.get(User, user.id).locale == "en"
    client.post("/lang", data={"lang": "zh_Hans"})
    db.session.expire(user)
    assert db.session.get(User, user.id).locale == "zh_Hans"
