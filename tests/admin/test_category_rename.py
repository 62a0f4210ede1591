"""A renamed category reaches the queue lines of its tips that are still open, in every language."""

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
from tipboard.tips.queue import enqueue_tip

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


def test_renaming_a_category_rewrites_the_open_lines_of_its_tips_and_leaves_closed_ones(
    app, client, users, login
):
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
    # A closed item reads as it did when it was decided.
    assert english[closed.id] == "Tip · Loose cables: Fixed last week"
    assert chinese[closed.id] == "线索 · 电线松脱: Fixed last week"
    assert english[other.id] == "Tip · Blocked fire exit: Bikes on the stairs"
    db.session.refresh(asked)
    assert asked.summary == "电线垂落: By the school gate"  # still the line in the language it came in


def test_a_rename_rewrites_the_lines_in_a_fixed_number_of_statements(app_ctx):
    def renamed_to(name: str, tips: int) -> list[str]:
        category = CategoryFactory(name_en="Loose cables", name_zh="电线松脱")
        items = [_queued(category, f"Cable {n}") for n in range(tips)]
        db.session.flush()
        db.session.expire_all()  # as in a request: the items are not in the session yet
        category = db.session.get(type(category), category.id)
        with statements() as sent:
            services.save_category(
                category, {**DATA, "slug": category.slug, "name_en": name, "name_zh": "电线"}
            )
        assert {db.session.get(QueueItem, i.id).summaries["en"] for i in items} == {
            f"{name}: Cable {n}" for n in range(tips)
        }
        return sent

    few, many = renamed_to("Power lines", 2), renamed_to("Power cables", 7)
    assert len(many) == len(few)
    assert len(touching(many, "UPDATE", "queue_item")) == 1


def test_saving_a_category_without_changing_its_names_leaves_the_lines_alone(app_ctx):
    category = CategoryFactory(slug="cables", name_en="Loose cables", name_zh="电线松脱")
    item = _queued(category, "Hanging in the stairwell")
    db.session.flush()
    with statements() as sent:
        services.save_category(
            category,
            {**DATA, "name_en": " Loose cables ", "name_zh": "电线松脱", "is_hazard": False, "sort_order": 5},
        )
    assert category.sort_order == 5
    assert not touching(sent, "UPDATE", "queue_item") and not touching(sent, "SELECT", "queue_item")
    assert item.summaries["en"] == "Loose cables: Hanging in the stairwell"


def test_the_queue_filters_name_a_renamed_category_at_once(app, client, users, login):
    """Even where no open line changes (only closed items in the category), the name beside the
    category filter is the new one on the next page, not up to the queue cache's 10 s later."""
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
    assert "Hanging power lines (1)" in category_filter()  # (the closed line keeps the old name)
