"""commit_unless_refused (tipboard.flow): a refused service call is rolled back and explained as an
error; any other result is committed and announced (or not, with no message)."""

import pytest
import sqlalchemy as sa
from flask import Response, get_flashed_messages

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.flow import commit_if_done, commit_unless_refused, refuse, unit_of_work
from tipboard.tips.models import Category


class Refused(Exception):
    pass


def _exists(slug: str) -> bool:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Category).where(Category.slug == slug)) == 1
    )


def test_a_refusal_is_rolled_back_and_explained(app_ctx):
    def call():
        CategoryFactory(slug="refused-flow")
        raise Refused("no budget")

    assert (
        commit_unless_refused(call, Refused, explain=lambda exc: f"Refused: {exc}", success="Done.") is False
    )
    assert not _exists("refused-flow")
    assert get_flashed_messages(with_categories=True) == [("error", "Refused: no budget")]


def test_a_result_is_committed_and_announced(app_ctx):
    assert (
        commit_unless_refused(
            lambda: CategoryFactory(slug="kept-flow").slug,
            (Refused, KeyError),
            explain=str,
            success=lambda slug: f"Made {slug}.",
        )
        is True
    )
    db.session.rollback()  # what was committed stays
    assert _exists("kept-flow")
    assert get_flashed_messages(with_categories=True) == [("success", "Made kept-flow.")]


def test_no_message_flashes_nothing_and_other_errors_pass_through(app_ctx):
    assert commit_unless_refused(lambda: None, Refused, explain=str) is True
    assert get_flashed_messages() == []
    with pytest.raises(ValueError):
        commit_unless_refused(lambda: int("x"), Refused, explain=str, success="Done.")
    assert get_flashed_messages() == []


@pytest.mark.parametrize(
    ("method", "status", "refused", "kept"),
    [
        ("POST", 302, False, True),
        ("POST", 200, False, True),
        ("DELETE", 204, False, True),
        ("POST", 400, False, False),
        ("POST", 302, True, False),
        ("GET", 200, False, False),
    ],
)
def test_only_a_successful_unrefused_write_is_committed(app, method, status, refused, kept):

    with app.test_request_context("/", method=method):
        if refused:
            refuse("Not now.")
        CategoryFactory(slug="flow-end")  # what the view changed after any refusal
        commit_if_done(Response(status=status))
        db.session.rollback()  # what the app context's end does to anything not committed
        assert _exists("flow-end") is kept
        if refused:
            assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]


def test_a_unit_of_work_commits_or_rolls_back(app_ctx):

    with unit_of_work():
        CategoryFactory(slug="uow-kept")
    with pytest.raises(Refused), unit_of_work():
        CategoryFactory(slug="uow-dropped")
        raise Refused("stop")
    db.session.rollback()
    assert _exists("uow-kept") and not _exists("uow-dropped")
