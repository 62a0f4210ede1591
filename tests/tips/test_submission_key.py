"""A report sent twice with the same submission key (queued offline and sent again, or an answer
lost on a weak link) is stored once, and the second answer is still a receipt that works."""

import re
import uuid

import pytest
import sqlalchemy as sa

from tests.tips.test_submit import category, form, submit  # noqa: F401
from tipboard.extensions import db
from tipboard.tips import services
from tipboard.tips.models import Tip
from tipboard.tips.views import _submit


def tips():
    return db.session.scalars(sa.select(Tip)).all()


def receipt_of(client) -> tuple[str, str]:
    html = client.get("/tips/receipt").data.decode()
    code = re.search(r'id="tracking-code"[^>]*>\s*([^<\s]+)', html).group(1)
    secret = re.search(r'id="tracking-secret"[^>]*>\s*([^<]+?)\s*<', html).group(1)
    return code, secret


def test_same_key_twice_is_one_tip_with_a_working_receipt(client, app_ctx, category):  # noqa: F811
    key = str(uuid.uuid4())
    first = submit(client, form(category, submission_key=key))
    assert first.status_code == 302
    code, first_secret = receipt_of(client)
    again = submit(client, form(category, submission_key=key))
    assert again.status_code == 302 and again.headers["Location"].endswith("/tips/receipt")
    code_again, secret = receipt_of(client)
    assert len(tips()) == 1 and code_again == code
    assert services.match_code(code, secret) is not None  # the secret shown last works
    assert services.match_code(code, first_secret) is None  # the unseen first one no longer does
    assert tips()[0].submission_key_hash != key  # stored hashed


def test_different_keys_and_no_key_are_separate_tips(client, app_ctx, category):  # noqa: F811
    submit(client, form(category, submission_key=str(uuid.uuid4())))
    submit(client, form(category, submission_key=str(uuid.uuid4())))
    submit(client, form(category))
    submit(client, form(category))
    assert len(tips()) == 4


def test_a_malformed_key_is_a_form_error(client, app_ctx, category):  # noqa: F811
    response = submit(client, form(category, submission_key="short"))
    assert response.status_code == 400 and tips() == []


def test_a_key_stored_by_a_concurrent_request_answers_with_that_tip(client, app_ctx, category):  # noqa: F811
    """The unique column, not the lookup, is the guard: a second insert with the same key (the
    lookup having run before the first committed) becomes a replay of the stored tip."""
    key = str(uuid.uuid4())
    data = services.NewTip(
        category_id=category.id, description="Gate left open", anonymous=True, submission_key=key
    )
    stored = services.submit_tip(data)
    receipt = _submit(data, reporter=None, upload_token=None)
    assert receipt.tip.id == stored.tip.id and len(tips()) == 1
    assert services.match_code(receipt.code, receipt.secret) is not None


@pytest.mark.parametrize("key", [None, ""])
def test_no_key_is_no_replay(app_ctx, key):
    assert services.replay_submission(key) is None
