"""Where a transaction ends (tipboard.flow): a successful, unrefused write request is committed once
after its view; a refused one, a failed one and a read are not; jobs and commands use a unit of work."""

import pytest
import sqlalchemy as sa
from flask import Response, get_flashed_messages

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.flow import commit_if_done, keep, keep_read, refuse, unit_of_work
from tipboard.jobs import JobSpec
from tipboard.tips.models import Category


class Refused(Exception):
    pass


def _exists(slug: str) -> bool:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Category).where(Category.slug == slug)) == 1
    )


@pytest.mark.parametrize(
    ("method", "status", "refused", "keeps", "kept"),
    [
        ("POST", 302, False, False, True),
        ("POST", 200, False, False, True),
        ("DELETE", 204, False, False, True),
        ("POST", 400, False, False, False),
        ("POST", 302, True, False, False),
        ("GET", 200, False, False, False),
        ("POST", 400, False, True, True),  # a form sent back for correction that keeps what it took
        ("POST", 400, True, True, False),  # a refusal still wins
        ("GET", 200, False, True, False),
    ],
)
def test_only_a_successful_unrefused_write_is_committed(app, method, status, refused, keeps, kept):

    with app.test_request_context("/", method=method):
        if keeps:
            keep()
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


def test_a_refusal_ends_with_its_request(app):
    """Requests made while a test holds an app context share its ``g``: the next one still commits."""
    with app.app_context():
        with app.test_request_context("/", method="POST"):
            app.preprocess_request()
            refuse("Not now.")
        with app.test_request_context("/", method="POST"):
            app.preprocess_request()
            CategoryFactory(slug="flow-next")
            commit_if_done(Response(status=302))
        db.session.rollback()
        assert _exists("flow-next")


def test_a_job_commits_its_work_or_nothing(app_ctx):
    """The scheduler and ``tipboard run-job`` start a job through JobSpec.run: one unit of work."""

    def failing():
        CategoryFactory(slug="job-dropped")
        raise Refused("stop")

    assert JobSpec("test.kept", lambda: CategoryFactory(slug="job-kept").slug, "interval", {}, 60).run() == (
        "job-kept"
    )
    with pytest.raises(Refused):
        JobSpec("test.dropped", failing, "interval", {}, 60).run()
    db.session.rollback()
    assert _exists("job-kept") and not _exists("job-dropped")


@pytest.mark.parametrize(("status", "kept"), [(200, True), (404, False)])
def test_a_read_that_must_leave_its_record_is_committed(app, status, kept):
    """``keep_read``: a look at a confidential file commits its audit row, unless the look failed."""
    with app.test_request_context("/", method="GET"):
        keep_read()
        CategoryFactory(slug="flow-read")
        commit_if_done(Response(status=status))
        db.session.rollback()
        assert _exists("flow-read") is kept
