"""Carrying out and the follow-up visit (回访): at 7, 30 and 90 days after settling, each party is
asked whether the agreement was carried out and whether the dispute came back. "Came back" (反弹)
reopens the case and counts against "settled for good". Also the judicial-confirmation reminder."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tipboard.database import utcnow
from tipboard.disputes.agreement import JUDICIAL_DAYS, judicial_deadline
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.models import CaseParty, CaseStatus, DisputeCase, FollowUp
from tipboard.disputes.services import case_link
from tipboard.disputes.workflow import KIND, CaseAction, allowed, transition
from tipboard.extensions import db
from tipboard.jobs import claim_run
from tipboard.moderation.services import record
from tipboard.outbox import notify

FOLLOWUP_DAYS = (7, 30, 90)
JUDICIAL_REMIND_DAYS = 20  # the reminder goes out 20 days after settling, 10 before the end


def ask_due(now: dt.datetime | None = None) -> int:
    """Ask every party of every settled case whose 7th, 30th or 90th day has come (once per
    party and day: the table's unique constraint)."""
    now = now or utcnow()
    asked = 0
    cases = db.session.scalars(
        sa.select(DisputeCase).where(
            DisputeCase.settled_at.is_not(None),
            DisputeCase.settled_at <= now - dt.timedelta(days=FOLLOWUP_DAYS[0]),
            DisputeCase.settled_at > now - dt.timedelta(days=FOLLOWUP_DAYS[-1] + 30),
        )
    ).all()
    for case in cases:
        for day in FOLLOWUP_DAYS:
            if case.settled_at + dt.timedelta(days=day) > now:
                continue
            # Only the latest due question: a case found late is asked once, not three times.
            later = [d for d in FOLLOWUP_DAYS if d > day and case.settled_at + dt.timedelta(days=d) <= now]
            if later:
                continue
            for party in case.parties:
                try:
                    with db.session.begin_nested():
                        db.session.add(FollowUp(case_id=case.id, party_id=party.id, day=day, asked_at=now))
                except IntegrityError:
                    continue
                asked += 1
                if party.user is not None:
                    notify(
                        party.user,
                        "disputes.followup",
                        {"code": case.code, "day": day, "link": case_link(case)},
                    )
    return asked


def open_question(case: DisputeCase, party: CaseParty) -> FollowUp | None:
    return db.session.scalar(
        sa.select(FollowUp)
        .where(FollowUp.case_id == case.id, FollowUp.party_id == party.id, FollowUp.answered_at.is_(None))
        .order_by(FollowUp.day.desc())
        .limit(1)
    )


def answer(case: DisputeCase, party: CaseParty, carried_out: bool, came_back: bool) -> FollowUp:
    question = open_question(case, party)
    if question is None:
        raise DisputeError("not_asked")
    question.answered_at, question.carried_out, question.came_back = utcnow(), carried_out, came_back
    record(
        None,
        party.user,
        "followup",
        kind=KIND,
        subject_id=case.id,
        after={"day": question.day, "carried_out": carried_out, "came_back": came_back},
    )
    if came_back and allowed(CaseAction.REOPEN, case.status_enum):
        transition(case, CaseAction.REOPEN, party.user, "came back")
        for member in case.members:
            notify(member.user, "disputes.came_back", {"code": case.code, "link": case_link(case)})
    db.session.flush()
    return question


def remind_judicial(now: dt.datetime | None = None) -> int:
    """Remind the parties of settled cases that the 30 days for judicial confirmation end soon
    (once per case: the job's guard row names the case)."""
    now = now or utcnow()
    cases = db.session.scalars(
        sa.select(DisputeCase).where(
            DisputeCase.status == CaseStatus.SETTLED.value,
            DisputeCase.settled_at <= now - dt.timedelta(days=JUDICIAL_REMIND_DAYS),
            DisputeCase.settled_at > now - dt.timedelta(days=JUDICIAL_DAYS),
        )
    ).all()
    sent = 0
    for case in cases:
        if not claim_run("disputes.judicial_reminder", f"case-{case.id}"):
            continue
        for party in case.parties:
            if party.user is not None:
                notify(
                    party.user,
                    "disputes.judicial_reminder",
                    {"code": case.code, "until": judicial_deadline(case).isoformat()},
                )
                sent += 1
    return sent
