"""List pages send the same number of statements for 2 rows as for 10 (no query per row)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.sqlcount import statements
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation import services
from tipboard.moderation.models import QueueItem
from tipboard.permissions import Role
from tipboard.tips.workflow import enqueue_tip


def add_claimed_tips(n, reporter):
    """Tips in the queue, each claimed by a different officer, in different categories."""
    for _ in range(n):
        officer = UserFactory(roles=(Role.STAFF,))
        tip = TipFactory(
            category=CategoryFactory(),
            reporter_id=reporter.id,
            anonymous=False,
            assignee_id=officer.id,
            status="verified",
        )
        enqueue_tip(tip)
        item = services.item_for("tip", tip.id)
        item.claimed_by_id, item.claimed_until = officer.id, utcnow() + dt.timedelta(minutes=5)
    db.session.commit()


def sent_for(client, path):
    client.get(path)  # the grids and categories are memoised from the first page on
    with statements() as sent:
        response = client.get(path)
    assert response.status_code == 200
    return len(sent), response.data.decode()


@pytest.mark.parametrize("path", ["/moderation/", "/tips/mine", "/tips/track", "/admin/users"])
def test_list_pages_do_not_query_per_row(client, app_ctx, login, path):
    me = UserFactory(roles=(Role.STAFF, Role.ADMIN))
    login(client, me)
    add_claimed_tips(2, me)
    few, _html = sent_for(client, path)
    add_claimed_tips(8, me)
    many, html = sent_for(client, path)
    assert many == few, f"{path}: {few} statements for 2 rows, {many} for 10"
    if path == "/moderation/":
        assert html.count("being worked on") == 10


def test_a_committed_change_to_a_queue_item_shows_on_the_next_page(client, app_ctx, login):
    me = UserFactory(roles=(Role.STAFF,))
    login(client, me)
    add_claimed_tips(3, me)
    assert client.get("/moderation/").data.decode().count("being worked on") == 3
    item = db.session.scalars(sa.select(QueueItem).order_by(QueueItem.id)).first()
    services.release(item, db.session.get(User, item.claimed_by_id))
    db.session.commit()
    assert client.get("/moderation/").data.decode().count("being worked on") == 2
    assert client.get("/moderation/?status=closed").data.decode().count('name="item"') == 0


def test_the_bulk_assign_list_names_a_new_officer_at_once(client, app_ctx, login):
    """A new officer is offered in the bulk assign list on the next page, and one who is no longer
    staff is not."""
    me = UserFactory(roles=(Role.STAFF,), name="Officer Able")
    login(client, me)
    add_claimed_tips(1, me)
    assert "Officer Able" in client.get("/moderation/").data.decode()
    newcomer = UserFactory(roles=(Role.STAFF,), name="Officer Newcomer")
    db.session.commit()
    page = client.get("/moderation/").data.decode()
    assert 'name="bulk-assignee"' in page and "Officer Newcomer" in page
    newcomer.active = False
    db.session.commit()
    assert "Officer Newcomer" not in client.get("/moderation/").data.decode()


def test_made_up_cursors_read_as_the_first_page(client, app_ctx, login):
    me = UserFactory(roles=(Role.STAFF,))
    login(client, me)
    add_claimed_tips(2, me)
    first = client.get("/moderation/?after=not-a-cursor").data.decode()
    other = client.get("/moderation/?after=another-made-up-one").data.decode()
    assert other.count('name="item"') == first.count('name="item"') == 2
