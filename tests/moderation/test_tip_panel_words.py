"""The staff view of a tip names its timeline entries and the reporter's contact wish in words."""

import pytest

from tests.factories import TipFactory, UserFactory
from tipboard.extensions import db
from tipboard.moderation import services
from tipboard.permissions import Role
from tipboard.tips.models import TipEvent
from tipboard.tips.workflow import enqueue_tip


@pytest.mark.parametrize(
    "locale,expected,raw",
    [
        (
            "en",
            [
                "reported",
                "internal note",
                "staff only",
                "staff and reporter",
                "message from the reporter",
                "may be phoned",
            ],
            ["· reporter_message", "· note ·", "· internal<", "· reporter<", "· phone"],
        ),
        (
            "zh_Hans",
            [
                "提交举报",
                "内部备注",
                "仅工作人员可见",
                "工作人员和举报人可见",
                "举报人发来的消息",
                "可以打电话联系",
            ],
            ["reporter_message", "· note ·", "· internal<", "· reporter<", "· phone", "· reported"],
        ),
    ],
)
def test_timeline_and_contact_preference_in_the_staff_members_language(
    client, login, app_ctx, locale, expected, raw
):
    reporter = UserFactory(name="Named Reporter")
    tip = TipFactory(anonymous=False, reporter=reporter, contact_preference="phone")
    tip.events.extend(
        [
            TipEvent(kind="submitted", status="new", visibility="reporter"),
            TipEvent(kind="reporter_message", body="It is still there.", visibility="reporter"),
            TipEvent(kind="note", body="Called the building manager.", visibility="internal"),
        ]
    )
    enqueue_tip(tip)
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,), locale=locale))
    page = client.get(f"/moderation/item/{services.item_for('tip', tip.id).id}").data.decode()
    for text in expected:
        assert text in page, text
    for code in raw:
        assert code not in page, code
