"""The jobs: unanswered invitations close, follow-up questions, the came-back rule, judicial reminder."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.disputes.conftest import keys_for
from tipboard.database import utcnow
from tipboard.disputes import agreement as agreements
from tipboard.disputes import jobs
from tipboard.disputes.figures import figures
from tipboard.disputes.followup import answer, ask_due, remind_judicial
from tipboard.disputes.models import CaseStatus, FollowUp, Side
from tipboard.extensions import db


def _settled(world, days_ago: int):
    case = world.case("mediating")
    due = dt.date.today() + dt.timedelta(days=5)
    agreements.draft(
        case, agreements.Draft("f", "m", "t", "p", [(Side.OTHER.value, "Pay", due)]), world.mediator
    )
    for party in case.parties:
        agreements.confirm_on_paper(case, party, None, world.mediator)
    case.settled_at = utcnow() - dt.timedelta(days=days_ago)
    db.session.flush()
    return case


def test_no_answer_in_time_closes_as_other_side_declined_with_advice(world):
    waiting = world.case("accepted")
    fresh = world.case("accepted")
    waiting.consent_due_at = utcnow() - dt.timedelta(minutes=1)
    assert jobs.consent_expiry() == 1
    assert waiting.status == CaseStatus.OTHER_DECLINED.value and fresh.status == CaseStatus.ACCEPTED.value
    assert "disputes.other_declined" in keys_for(world.applicant)
    assert jobs.consent_expiry() == 0  # once per day


def test_a_refusal_closes_the_case_at_once(world):
    case = world.case("accepted")
    from tipboard.disputes.services import answer_invitation

    answer_invitation(case, case.party(Side.OTHER), False)
    assert case.status == CaseStatus.OTHER_DECLINED.value and case.parties[1].consent == "refused"


def test_follow_up_questions_at_7_30_and_90_days_once_each(world):
    too_early = _settled(world, 3)
    week = _settled(world, 8)
    quarter = _settled(world, 91)
    assert ask_due() == 4
    days = dict(db.session.execute(sa.select(FollowUp.case_id, FollowUp.day)).all())
    assert days == {week.id: 7, quarter.id: 90} and too_early.id not in days
    assert ask_due() == 0


def test_came_back_reopens_and_counts_against_settled_for_good(world):
    kept = _settled(world, 31)
    back = _settled(world, 31)
    ask_due()
    answer(kept, kept.parties[0], carried_out=True, came_back=False)
    answer(back, back.parties[1], carried_out=False, came_back=True)
    assert back.status == CaseStatus.MEDIATING.value and back.came_back
    assert "disputes.came_back" in keys_for(world.mediator)
    total = figures().total
    assert total.settled == 2 and total.came_back == 1 and total.settled_for_good == 1
    assert total.settlement_pct == 100 and total.came_back_pct == 50


def test_judicial_reminder_goes_out_once_per_case(world):
    case = _settled(world, 22)
    _settled(world, 5)
    assert remind_judicial() == 2  # both parties of the one case in the window
    assert remind_judicial() == 0
    assert "disputes.judicial_reminder" in keys_for(world.applicant)
    assert agreements.judicial_deadline(case) > dt.date.today()


def test_figures_by_kind_mediator_and_partner(world):
    _settled(world, 1)
    world.case()
    f = figures()
    assert f.total.received == 2 and f.total.accepted == 1 and f.total.settled == 1
    assert [r.received for r in f.by["kind"]] == [2]
    assert {r.label: r.settled for r in f.by["mediator"]}[world.mediator.name] == 1


def test_the_moderation_overview_shows_the_mediation_figures(app, world, login):
    _settled(world, 1)
    world.case()
    db.session.commit()
    page = login(app.test_client(), world.staff).get("/moderation/overview").get_data(as_text=True)
    assert 'id="mediation-overview"' in page and "Loud music" not in page
