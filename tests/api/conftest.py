import pytest

from tests.factories import CategoryFactory
from tests.patrols.conftest import patrol  # noqa: F401  (the volunteers' shift fixture)
from tipboard.api.clients import issue_client
from tipboard.api.tokens import issue_token
from tipboard.extensions import db, limiter
from tipboard.tips.models import CategoryQuestion, QuestionKind


@pytest.fixture(autouse=True)
def _limits_off(monkeypatch):
    """The suite's app has rate limits off, but an app built earlier on this worker (a production
    app in a setup test) may have switched the shared limiter on; the limits' own test builds an
    app with them on."""
    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture
def api_key(app_ctx):
    _client, key = issue_client("Hotline 12345")
    db.session.commit()
    return key


@pytest.fixture
def asking_category(app_ctx):
    """A category with a required single-choice question and an optional number."""
    category = CategoryFactory(slug="fire-hazard", name_en="Fire hazard", name_zh="消防隐患")
    db.session.add_all(
        [
            CategoryQuestion(
                category_id=category.id,
                code="where",
                text_en="Where in the building?",
                text_zh="在楼内什么位置？",
                kind=QuestionKind.SINGLE.value,
                required=True,
                choices="corridor|Corridor|楼道\nflat|Inside a flat|室内",
                sort_order=0,
                active=True,
            ),
            CategoryQuestion(
                category_id=category.id,
                code="ebikes",
                text_en="How many e-bikes?",
                text_zh="有几辆电动车？",
                kind=QuestionKind.NUMBER.value,
                required=False,
                choices="",
                sort_order=1,
                active=True,
            ),
        ]
    )
    db.session.commit()
    return category


@pytest.fixture
def bearer(app_ctx):
    """``bearer(user, role)``: the Authorization header of a fresh personal token."""

    def _make(user, role: str) -> dict:
        _token, raw = issue_token(user, "test", role)
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return _make
