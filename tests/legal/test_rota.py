"""The duty rota: on duty now, days off, response targets, coverage gaps, and the overdue job."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.legal.conftest import keys_for
from tests.queuelines import queue_lines
from tipboard.extensions import db
from tipboard.jobs import JobRun
from tipboard.legal import jobs, questions, rota
from tipboard.legal.models import DutyHours
from tipboard.moderation.services import item_for

# A Wednesday in the station's zone (Asia/Shanghai, UTC+8), as naive UTC.
WED_10 = dt.datetime(2031, 3, 5, 2, 0)
WED_22 = dt.datetime(2031, 3, 5, 14, 0)
THU_03 = dt.datetime(2031, 3, 5, 19, 0)
THU_09 = dt.datetime(2031, 3, 6, 1, 0)


def test_response_target_by_day_and_at_night(app_ctx):
    assert rota.response_target(WED_10) == WED_10 + dt.timedelta(hours=2)
    assert rota.response_target(WED_22) == THU_09
    assert rota.response_target(THU_03) == THU_09
    app_ctx.config["LEGAL_DAY_TARGET_HOURS"] = 4
    try:
        assert rota.response_target(WED_10) == WED_10 + dt.timedelta(hours=4)
    finally:
        app_ctx.config["LEGAL_DAY_TARGET_HOURS"] = 2


def test_on_duty_follows_weekly_hours_and_days_off(legal):
    db.session.execute(sa.delete(DutyHours))
    rota.add_duty_hours(legal["on"], legal["firm_a"], 2, 9, 18)  # Wednesdays 9-18
    rota.add_duty_hours(legal["off"], legal["firm_b"], 2, 20, 24)  # Wednesday evenings
    assert [d.user_id for d in rota.on_duty(WED_10)] == [legal["on"].id]
    assert [d.user_id for d in rota.on_duty(WED_22)] == [legal["off"].id]
    assert rota.on_duty(THU_03) == []
    rota.add_day_off(legal["on"], dt.date(2031, 3, 5))
    assert rota.on_duty(WED_10) == []
    # A question asked then reaches nobody, and every lawyer may take it.
    question = questions.ask("other", "q", None, now=WED_10).question
    assert question.lawyers == []


def test_bad_hours_are_refused_and_only_members_declare_for_a_firm(legal):
    for args in ((2, 10, 10), (2, 20, 8), (7, 1, 2), (1, 0, 25)):
        try:
            rota.add_duty_hours(legal["on"], legal["firm_a"], *args)
        except rota.LegalError:
            continue
        raise AssertionError(f"accepted {args}")
    try:
        rota.add_duty_hours(legal["on"], legal["firm_b"], 1, 9, 10)
    except rota.LegalError as exc:
        assert exc.code == "not_a_lawyer"
    else:
        raise AssertionError("declared hours for another firm")


def test_coverage_shows_the_gaps(legal):
    db.session.execute(sa.delete(DutyHours))
    rota.add_duty_hours(legal["on"], legal["firm_a"], 0, 9, 18)
    cover = rota.coverage()
    assert cover.at(0, 9) == [(legal["on"].name, "Firm A")] and cover.at(0, 18) == []
    assert (0, 0, 9) in cover.gaps and (0, 18, 24) in cover.gaps and (1, 0, 24) in cover.gaps


def test_duty_and_rota_pages(client, login, legal):
    login(client, legal["on"])
    response = client.post(
        "/legal/duty",
        data={
            "hours-organisation": legal["firm_a"].id,
            "hours-weekday": 6,
            "hours-start_hour": 20,
            "hours-end_hour": 18,
        },
    )
    assert response.status_code == 200  # refused, shown again
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(DutyHours.weekday == 6, DutyHours.start_hour == 20)
        )
        == 0
    )
    client.post("/legal/duty", data={"off-day": "2031-03-05", "off-note": "court"})
    assert "2031-03-05" in client.get("/legal/duty").text
    page = client.get("/legal/rota").text
    assert legal["on"].name in page
    login(client, legal["users"]["resident"])
    assert client.get("/legal/rota").status_code == 403
    assert client.get("/legal/duty").status_code == 403


def test_overdue_questions_are_raised_once_to_the_queue_and_the_firm(client, login, legal):
    question = questions.ask("labour", "wages", None, now=WED_10).question
    colleague_keys_before = keys_for(legal["on"]).count("legal.overdue")
    assert jobs.overdue(now=WED_10 + dt.timedelta(hours=1)) == 0  # not yet due
    later = WED_10 + dt.timedelta(hours=3)
    assert jobs.overdue(now=later) == 1
    assert jobs.overdue(now=later) == 0  # the same quarter hour: the guard
    assert jobs.overdue(now=later + dt.timedelta(minutes=15)) == 0  # raised once per question
    item = item_for("legal_overdue", question.id)
    assert item is not None and item.due_at == question.due_at
    assert keys_for(legal["on"]).count("legal.overdue") == colleague_keys_before + 1
    assert keys_for(legal["off"]).count("legal.overdue") == 0  # another firm's member
    assert db.session.scalar(sa.select(sa.func.count()).where(JobRun.job == "legal.overdue")) == 3
    db.session.commit()
    # Supervisors see it in the queue in both languages; staff do not (a question is not theirs).
    login(client, legal["users"]["supervisor"])
    assert queue_lines(client, legal["users"]["supervisor"], "en")[item.id].startswith(
        "Legal question past its target"
    )
    assert queue_lines(client, legal["users"]["supervisor"], "zh_Hans")[item.id].startswith(
        "超时未答的法律咨询"
    )
    login(client, legal["users"]["staff"])
    assert client.get(f"/moderation/item/{item.id}").status_code in (403, 404)
    # The supervisor closes it as followed up.
    login(client, legal["users"]["supervisor"])
    response = client.post(f"/moderation/item/{item.id}/act/handled", data={"note": "called the firm"})
    assert response.status_code in (302, 303)
    db.session.refresh(item)
    assert item.status == "closed"
