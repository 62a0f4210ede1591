"""commit_unless_refused (tipboard.flow): a refused service call is rolled back and explained as an
error; any other result is committed and announced (or not, with no message)."""

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.flow import commit_unless_refused
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
