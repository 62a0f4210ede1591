"""A renamed category reaches the queue lines of its tips at once, in every language: the list reads
each line from the tip and its category when it is shown."""

import re

import sqlalchemy as sa
from flask_babel import force_locale

from tests.factories import CategoryFactory, TipFactory
from tests.queuelines import queue_lines
from tests.sqlcount import statements, touching
from tipboard.admin import services
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus, QueueItem
from tipboard.tips.models import TipStatus
from tipboard.tips.workflow import enqueue_tip

FORM = {"slug": "cables", "sort_order": "0", "response_hours": "4", "resolution_hours": "72", "active": "y"}
DATA = {
    "slug": "cables",
    "hint_zh": None,
    "hint_en": None,
    "is_hazard": True,
    "active": True,
    "sort_order": 0,
    "response_hours": 4,
    "resolution_hours": 72,
}  # as the form's data


def _queued(category, description, status=TipStatus.NEW, locale="en") -> QueueItem:
    with force_locale(locale):
        tip = TipFactory(category=category, description=description, status=status.value)
        enqueue_tip(tip)
    return db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
    )


def test_renaming_a_category_shows_in_the_lines_of_its_tips_at_once(app, client, users, login):
    category = CategoryFactory(slug="cables", name_en="Loose cables", name_zh="电线松脱")
    waiting = _queued(category, "Hanging in the stairwell")
    asked = _queued(category, "By the school gate", status=TipStatus.NEEDS_INFO, locale="zh_Hans")
    closed = _queued(category, "Fixed last week", status=TipStatus.RESOLVED)
    other = _queued(
        CategoryFactory(name_en="Blocked fire exit", name_zh="消防通道堵塞"), "Bikes on the stairs"
    )
    assert (asked.status, closed.status) == (ItemStatus.WAITING.value, ItemStatus.CLOSED.value)
    db.session.commit()
    staff = login(app.test_client(), users["staff"])
    staff.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert (
        queue_lines(staff, users["staff"], "en")[waiting.id] == "Tip · Loose cables: Hanging in the stairwell"
    )

    login(client, users["admin"])
    response = client.post(
        f"/admin/categories/{category.id}",
        data={**FORM, "name_en": "Hanging power lines", "name_zh": "电线垂落"},
    )
    assert response.status_code == 302

    english = queue_lines(staff, users["staff"], "en")
    chinese = queue_lines(staff, users["staff"], "zh_Hans")
    assert english[waiting.id] == "Tip · Hanging power lines: Hanging in the stairwell"
    assert chinese[waiting.id] == "线索 · 电线垂落: Hanging in the stairwell"
    assert english[asked.id] == "Tip · Hanging power lines: By the school gate"
    assert chinese[asked.id] == "线索 · 电线垂落: By the school gate"
    assert english[closed.id] == "Tip · Hanging power lines: Fixed last week"
    assert chinese[closed.id] == "线索 · 电线垂落: Fixed last week"
    assert english[other.id] == "Tip · Blocked fire exit: Bikes on the stairs"


def test_saving_a_category_writes_no_queue_item(app_ctx):
    category = CategoryFactory(slug="cables", name_en="Loose cables", name_zh="电线松脱")
    _queued(category, "Hanging in the stairwell")
    db.session.flush()
    with statements() as sent:
        services.save_category(
            category, {**DATA, "name_en": "Power lines", "name_zh": "电线", "sort_order": 5}
        )
    assert category.sort_order == 5 and category.name_en == "Power lines"
    assert not touching(sent, "UPDATE", "queue_item") and not touching(sent, "SELECT", "queue_item")


def test_the_queue_filters_name_a_renamed_category_at_once(app, client, users, login):
    """The name beside the category filter is the new one on the next page."""
    category = CategoryFactory(slug="cables", name_en="Loose cables", name_zh="电线松脱")
    _queued(category, "Fixed last week", status=TipStatus.RESOLVED)
    db.session.commit()
    staff = login(app.test_client(), users["staff"])
    staff.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def category_filter() -> str:
        page = staff.get("/moderation/?status=all").data.decode()
        return re.search(r'<select id="f-category".*?</select>', page, re.S).group(0)

    assert "Loose cables (1)" in category_filter()
    login(client, users["admin"])
    assert (
        client.post(
            f"/admin/categories/{category.id}",
            data={**FORM, "name_en": "Hanging power lines", "name_zh": "电线垂落"},
        ).status_code
        == 302
    )
    assert "Hanging power lines (1)" in category_filter()
