"""The shift templates of a point show their type and days in words, in the reader's language."""

import datetime as dt

import pytest

from tests.factories import GridFactory, UserFactory
from tipboard.extensions import db
from tipboard.patrols.models import PatrolPoint, ShiftTemplate
from tipboard.permissions import Role


@pytest.mark.parametrize(
    "locale,expected,raw",
    [
        (
            "en",
            ["safety talk · Mon, Wed, and Sat · 19:00–21:00", "Evening round · patrol · Tue and Sun"],
            ['card">talk', "0,2,5", "1,6"],
        ),
        (
            "zh_Hans",
            ["安全讲座 · 周一、周三和周六 · 19:00–21:00", "Evening round · 巡逻 · 周二和周日"],
            ["talk", "0,2,5", "patrol"],
        ),
    ],
)
def test_templates_page_names_types_and_days(client, login, app_ctx, locale, expected, raw):
    point = PatrolPoint(name_en="School gate", lat=31.95, lon=119.96, grid_id=GridFactory().id)
    db.session.add(point)
    db.session.flush()
    db.session.add_all(
        [
            ShiftTemplate(
                point_id=point.id,
                shift_type="talk",
                weekdays=[5, 0, 2],
                start_time=dt.time(19),
                end_time=dt.time(21),
            ),
            ShiftTemplate(
                point_id=point.id,
                title="Evening round",
                shift_type="patrol",
                weekdays=[6, 1],
                start_time=dt.time(18),
                end_time=dt.time(20),
            ),
        ]
    )
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,), locale=locale))
    page = client.get(f"/patrols/points/{point.id}/templates").data.decode()
    start = page.index('<ul class="list">')
    cards = page[start : page.index("</ul>", start)]
    for text in expected:
        assert text in cards, cards
    for code in raw:
        assert code not in cards, code
