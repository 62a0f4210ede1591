"""A refused roster edit tells the leader, in their language and with names instead of numbers,
which rules it would break."""

import html as html_lib
import re

import pytest

from tests.factories import UserFactory
from tests.roster.test_weekly_build import WEEK, seed_week
from tipboard.extensions import db
from tipboard.permissions import Role
from tipboard.roster import build
from tipboard.roster.validate import Rule


def refusal_page(client, login, locale, run, shift_id, user_id):
    staff = UserFactory(roles=(Role.STAFF,), locale=locale)
    login(client, staff)
    response = client.post(
        f"/roster/{run.id}/edit",
        data={"shift_id": shift_id, "user_id": user_id, "op": "add"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return html_lib.unescape(response.data.decode())


@pytest.mark.parametrize(
    "locale,expected",
    [
        (
            "en",
            [
                "That breaks a rule of the roster:",
                "Market gate (",
                ") would have no leader on it.",
                "would have 1 person from the roster; it needs 2 to 3.",
            ],
        ),
        (
            "zh_Hans",
            [
                "这违反了排班规则：",
                "Market gate（",
                "）将没有队长在岗。",
                "将由排班安排 1 人，但需要 2 至 3 人。",
            ],
        ),
    ],
)
def test_a_refused_edit_says_which_rule_in_the_leaders_language(client, login, app_ctx, locale, expected):
    _team, people, made = seed_week(n_volunteers=3, leaders=0)
    run = build.build_week(WEEK)
    db.session.commit()
    page = refusal_page(client, login, locale, run, made[0].id, people[0].id)
    for text in expected:
        assert text in page, re.findall(r'class="flash[^"]*"[^>]*>(.*?)</', page, re.S)
    assert f"shift {made[0].id}: no leader" not in page and "needs 2-3" not in page


@pytest.mark.parametrize(
    "locale,expected",
    [
        ("en", "{name} is in no team that patrols Market gate ("),
        ("zh_Hans", "{name}不属于负责Market gate（"),
    ],
)
def test_a_refused_edit_names_the_person(client, login, app_ctx, locale, expected):
    _team, _people, made = seed_week()
    run = build.build_week(WEEK)
    outsider = UserFactory(name="Outsider Wang")
    db.session.commit()
    page = refusal_page(client, login, locale, run, made[0].id, outsider.id)
    assert expected.format(name="Outsider Wang") in page
    assert f"person {outsider.id}" not in page


def test_the_refusal_keeps_the_rules_as_data_for_code(app_ctx):
    _team, people, made = seed_week(n_volunteers=3, leaders=0)
    run = build.build_week(WEEK)
    with pytest.raises(build.RosterError) as refused:
        build.edit(run, made[0].id, people[0].id, True, people[0])
    # the volunteers are new (no shifts done yet), so the pairing rule is broken too
    assert {p.rule for p in refused.value.problems} == {Rule.NO_LEADER, Rule.STAFFING, Rule.NEW_ALONE}
    assert "no leader" in refused.value.detail  # the short English form the logs get


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_rule_has_a_sentence_with_the_names(app, lang):
    import datetime as dt

    from tipboard.roster.validate import Violation
    from tipboard.roster.views import describe

    with app.test_request_context(headers={"Accept-Language": lang}):
        _team, people, made = seed_week()
        name = people[0].name
        for rule in Rule:
            text = describe(
                [
                    Violation(
                        rule,
                        made[0].id,
                        people[0].id,
                        count=2,
                        low=1,
                        high=1,
                        day=dt.date(2031, 3, 3),
                        other_shift_id=made[1].id,
                    )
                ]
            )
            assert "%(" not in text and text.strip(), (rule, text)
            if rule not in (Rule.WEEKLY_MAX, Rule.ONE_A_DAY, Rule.WEEKLY_HOURS, Rule.DAYS_IN_ROW):
                assert "Market gate" in text, (rule, text)
            if rule not in (Rule.NOT_OPEN, Rule.STAFFING, Rule.NO_LEADER):
                assert name in text, (rule, text)
            assert str(Violation(rule, made[0].id, people[0].id)) not in text


@pytest.mark.parametrize(
    "locale,within,words",
    [
        (
            "en",
            "the coverage is within 0.4% of the best possible.",
            {
                "optimal": "Solver: best plan found in ",
                "time_limit": "Solver: stopped at the time limit (the plan may not be the best) in ",
            },
        ),
        (
            "zh_Hans",
            "覆盖率与可能的最佳值相差不超过 0.4%。",
            {
                "optimal": "求解器：已找到最优方案，用时 ",
                "time_limit": "求解器：到达时间上限而停止（方案未必最优），用时 ",
            },
        ),
    ],
)
def test_the_run_page_says_how_close_to_the_best_the_roster_is(client, login, app_ctx, locale, within, words):
    """With a bound, leaders read "within x% of the best possible", not "optimal"; without one
    (an old run), how the solver finished, in words."""
    seed_week()
    run = build.build_week(WEEK)
    db.session.commit()
    assert run.solver_status == "optimal" and run.gap == 0.0
    login(client, UserFactory(roles=(Role.STAFF,), locale=locale))
    run.gap = 0.004
    db.session.commit()
    page = html_lib.unescape(client.get(f"/roster/{run.id}").data.decode())
    assert within in page and words["optimal"] not in page and "optimal" not in page
    run.gap = None
    for status, expected in words.items():
        run.solver_status = status
        db.session.commit()
        page = html_lib.unescape(client.get(f"/roster/{run.id}").data.decode())
        assert expected in page
        assert status not in page


@pytest.mark.parametrize("shift_id,user_id", [("9" * 12, "1"), ("1", "9" * 12), ("x", "1"), ("-3", "1")])
def test_an_edit_with_ids_no_row_can_have_is_a_400(client, login, app_ctx, shift_id, user_id):
    _team, _people, _made = seed_week()
    run = build.build_week(WEEK)
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,)))
    response = client.post(
        f"/roster/{run.id}/edit", data={"shift_id": shift_id, "user_id": user_id, "op": "add"}
    )
    assert response.status_code == 400
