"""Reward and nomination lines in the queue list read in the reader's language, whatever the
language of the officer or resident whose action queued them."""

from flask_babel import force_locale

from tests.factories import UserFactory
from tests.queuelines import queue_lines
from tipboard.extensions import db
from tipboard.moderation import services as queue
from tipboard.permissions import Role
from tipboard.rewards import services


def test_a_reward_proposed_in_chinese_reads_in_both_languages(client, setup_money, verified_tip, login):
    m = setup_money()
    with force_locale("zh_Hans"):  # the verifying officer reads Chinese
        tip = verified_tip(m["category"], m["staff"])
    reward = services.reward_for_tip(tip.id)
    item = queue.item_for("reward", reward.id)
    db.session.commit()
    login(client, m["sup1"])
    assert (
        queue_lines(client, m["sup1"], "en")[item.id]
        == f"Reward · Grid red envelope ¥10.00 · {tip.tracking_code}"
    )
    assert (
        queue_lines(client, m["sup1"], "zh_Hans")[item.id] == f"奖励 · 网格红包 ¥10.00 · {tip.tracking_code}"
    )
    with force_locale("zh_Hans"):  # a new amount is a new line, again in both languages
        queue.perform(item, "change_amount", m["staff"], {"amount": 1500, "reason": "two hazards in one"})
    db.session.commit()
    assert (
        queue_lines(client, m["sup1"], "en")[item.id]
        == f"Reward · Grid red envelope ¥15.00 · {tip.tracking_code}"
    )
    assert (
        queue_lines(client, m["sup1"], "zh_Hans")[item.id] == f"奖励 · 网格红包 ¥15.00 · {tip.tracking_code}"
    )


def test_a_nomination_made_in_chinese_reads_in_both_languages(client, app_ctx, users, login):
    resident = UserFactory(roles=(Role.RESIDENT,), locale="zh_Hans")
    with force_locale("zh_Hans"):
        nomination = services.nominate(
            "good_neighbour", "Grandma Zhou", None, "She checks on her neighbours.", True, resident
        )
    item = queue.item_for("nomination", nomination.id)
    db.session.commit()
    login(client, users["staff"])
    assert (
        queue_lines(client, users["staff"], "en")[item.id]
        == "Award nomination · Good neighbour award · Grandma Zhou"
    )
    assert queue_lines(client, users["staff"], "zh_Hans")[item.id] == "奖项提名 · 好邻居奖励 · Grandma Zhou"


def test_a_courage_award_proposed_in_english_reads_in_chinese(client, app_ctx, users, login):
    from tests.rewards.factories import FundFactory

    FundFactory(code="courage")
    staff = users["staff"]
    with force_locale("en"):
        nomination = services.nominate(
            "courage", "Mr Li", None, "Pulled a child from the canal.", False, staff
        )
        queue.perform(queue.item_for("nomination", nomination.id), "accept", staff, {"amount": 50_000})
    db.session.commit()
    login(client, staff)
    zh = queue_lines(client, staff, "zh_Hans")
    en = queue_lines(client, staff, "en")
    assert "奖励 · 见义勇为奖励 ¥500.00 · Mr Li" in zh.values()
    assert "Reward · Act of courage award ¥500.00 · Mr Li" in en.values()
