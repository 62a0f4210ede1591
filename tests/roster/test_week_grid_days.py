"""The roster's week grid names the days in the leader's language."""

import pytest

from tests.factories import UserFactory
from tests.roster.test_weekly_build import WEEK, seed_week
from tipboard.extensions import db
from tipboard.permissions import Role
from tipboard.roster import build


@pytest.mark.parametrize(
    "locale,days",
    [
        ("en", ["Mon 03-03", "Tue 03-04", "Wed 03-05"]),
        ("zh_Hans", ["周一 03-03", "周二 03-04", "周三 03-05"]),
    ],
)
def test_the_week_grid_names_the_days_in_the_leaders_language(client, login, app_ctx, locale, days):
    seed_week()
    run = build.build_week(WEEK)
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,), locale=locale))
    page = client.get(f"/roster/{run.id}").data.decode()
    for day in days:
        assert f"<th>{day}</th>" in page, day
