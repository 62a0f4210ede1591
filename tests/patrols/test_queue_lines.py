"""Team applications, swap requests and patrol reports in the queue list: their lines are names (a
point's in the reader's language) and the report's own words, whoever's language queued them."""

import datetime as dt

from flask_babel import force_locale

from tests.queuelines import queue_lines
from tipboard.extensions import db
from tipboard.moderation.services import item_for
from tipboard.patrols import shifts, teams


def test_patrol_lines_are_names_and_words_in_the_readers_language(client, patrol, users, login):
    v0, _v1, v2 = patrol["volunteers"]
    patrol["team_a"].swaps_need_approval = True
    with force_locale("zh_Hans"):
        application = teams.apply(patrol["team_a"], users["resident"], "I walk the dog here every night.")
        swap = shifts.offer_swap(shifts.sign_up(patrol["shift"], v0))
        assert shifts.take_swap(swap, v2) == "pending_approval"
        after_start = patrol["shift"].starts_at + dt.timedelta(minutes=5)
        shifts.close_shift(
            patrol["shift"], "Quiet night; a broken lamp by the gate.", patrol["leader"], now=after_start
        )
    db.session.commit()
    applicant = users["resident"].name
    expected = {
        "en": {
            item_for("team_application", application.id).id: f"Team application · {applicant} → Team A",
            item_for("swap_request", swap.id).id: "Shift swap · Volunteer A0 → Volunteer A2",
            item_for(
                "patrol_report", patrol["shift"].id
            ).id: "Patrol report · Point A: Quiet night; a broken lamp by the gate.",
        },
        "zh_Hans": {
            item_for("team_application", application.id).id: f"入队申请 · {applicant} → Team A",
            item_for("swap_request", swap.id).id: "换班 · Volunteer A0 → Volunteer A2",
            item_for(
                "patrol_report", patrol["shift"].id
            ).id: "巡逻报告 · 巡逻点A: Quiet night; a broken lamp by the gate.",
        },
    }
    login(client, users["staff"])
    for locale, lines in expected.items():
        seen = queue_lines(client, users["staff"], locale)
        assert {i: seen.get(i) for i in lines} == lines
    # The team's leader sees the team's two items in their language too (the report is staff's).
    login(client, patrol["leader"])
    for locale, lines in expected.items():
        seen = queue_lines(client, patrol["leader"], locale)
        assert seen == {
            i: line for i, line in lines.items() if i != item_for("patrol_report", patrol["shift"].id).id
        }
