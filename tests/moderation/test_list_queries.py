"""List pages send the same number of statements for 2 rows as for 10 (no query per row)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.sqlcount import get_counted, statements
from tipboard import caching
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation import listing, services
from tipboard.moderation.models import QueueItem
from tipboard.permissions import Role
from tipboard.tips.queue import enqueue_tip


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
    client.get(path)  # warm caches (grids, categories, staff names)
    caching.bump(listing.QUEUE_GENERATION)  # but the queue's list and counts computed, not cached
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


def test_a_warm_queue_page_asks_only_who_is_signed_in_and_shows_a_change_at_once(client, app_ctx, login):
    """The list, counts and names of a filter are rendered once per queue change and language; a
    committed change to a queue item is on the next page at once, cached or not."""
    me = UserFactory(roles=(Role.STAFF,))
    login(client, me)
    add_claimed_tips(3, me)
    first = client.get("/moderation/").data.decode()
    again, sent = get_counted(client, "/moderation/")
    assert len(sent) == 1 and "login_session" in sent[0]
    assert again.count("being worked on") == first.count("being worked on") == 3
    item = db.session.scalars(sa.select(QueueItem).order_by(QueueItem.id)).first()
    services.release(item, db.session.get(User, item.claimed_by_id))
    db.session.commit()
    assert client.get("/moderation/").data.decode().count("being worked on") == 2
    assert client.get("/moderation/?status=closed").data.decode().count('name="item"') == 0


def test_the_bulk_assign_list_names_a_new_officer_at_once(client, app_ctx, login):
    """The bulk actions' fields are rendered once per change to the staff or grids: a new officer
    is offered on the next page, and one who is no longer staff is not."""
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


def test_made_up_cursors_read_as_the_first_page_from_one_cache_entry(client, app_ctx, login):
    me = UserFactory(roles=(Role.STAFF,))
    login(client, me)
    add_claimed_tips(2, me)
    first = client.get("/moderation/?after=not-a-cursor").data.decode()
    other, sent = get_counted(client, "/moderation/?after=another-made-up-one")
    assert len(sent) == 1  # who is signed in; the page came from the first one's entry
    assert other.count('name="item"') == first.count('name="item"') == 2
