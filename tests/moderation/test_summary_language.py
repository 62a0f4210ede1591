"""The queue list shows a tip's line in the reader's language, whoever's language it came in."""

import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory
from tests.queuelines import queue_lines
from tests.sqlcount import statements
from tipboard.extensions import db
from tipboard.moderation.models import QueueItem
from tipboard.tips.models import Tip
from tipboard.tips.workflow import enqueue_tip


def test_a_tip_sent_in_chinese_reads_in_english_for_english_staff_and_back(app, client, users, login):
    category = CategoryFactory(name_en="Loose cables", name_zh="电线松脱")
    resident = app.test_client()
    resident.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert (
        resident.post(
            "/tips/new",
            data={
                "category": str(category.id),
                "description": "楼道里电线垂下来",
                "address": "Old Street 7",
                "anonymous": "y",
            },
        ).status_code
        == 302
    )
    tip = db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first()
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
    )
    assert item.summary == "电线松脱: 楼道里电线垂下来"  # the line in the language it came in
    login(client, users["staff"])
    assert queue_lines(client, users["staff"], "en")[item.id] == "Tip · Loose cables: 楼道里电线垂下来"
    assert queue_lines(client, users["staff"], "zh_Hans")[item.id] == "线索 · 电线松脱: 楼道里电线垂下来"


def test_a_tip_queued_in_english_reads_in_chinese(client, app_ctx, users, login):
    from flask_babel import force_locale

    category = CategoryFactory(name_en="Blocked fire exit", name_zh="消防通道堵塞")
    with force_locale("en"):
        tip = TipFactory(category=category, description="Bikes in the stairwell")
        enqueue_tip(tip)
    db.session.commit()
    login(client, users["staff"])
    lines = queue_lines(client, users["staff"], "zh_Hans")
    assert "线索 · 消防通道堵塞: Bikes in the stairwell" in lines.values()
    assert (
        "Tip · Blocked fire exit: Bikes in the stairwell"
        in queue_lines(client, users["staff"], "en").values()
    )


def test_lines_in_the_readers_language_cost_no_statement_per_row(client, app_ctx, users, login):
    login(client, users["staff"])
    users["staff"].locale = "zh_Hans"

    def sent():
        client.get("/moderation/")  # the grids are memoised from the first page on
        with statements() as recorded:
            client.get("/moderation/")
        return len(recorded)

    for _ in range(2):
        enqueue_tip(TipFactory(category=CategoryFactory()))
    db.session.commit()
    few = sent()
    for _ in range(8):
        enqueue_tip(TipFactory(category=CategoryFactory()))
    db.session.commit()
    assert sent() == few


def test_an_item_whose_subject_is_gone_shows_the_line_it_was_queued_with(client, app_ctx, users, login):
    tip = TipFactory(category=CategoryFactory(name_en="Broken street light"), description="Dark corner")
    enqueue_tip(tip)
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
    )
    item.subject_id = 999_999  # as if the tip were gone
    db.session.commit()
    login(client, users["staff"])
    assert queue_lines(client, users["staff"], "zh_Hans")[item.id] == f"线索 · {item.summary}"
