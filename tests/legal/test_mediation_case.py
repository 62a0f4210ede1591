"""A legal question whose asker agrees to mediation becomes a dispute case in the triage queue."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.legal.conftest import ask_anonymously
from tipboard.disputes.models import Channel, DisputeCase
from tipboard.extensions import db
from tipboard.legal.models import LegalQuestion
from tipboard.moderation.models import QueueItem


def _suggest_mediation(app, login, legal, question):
    lawyer = app.test_client()
    login(lawyer, legal["on"])
    lawyer.post(f"/legal/questions/{question.id}/reply", data={"body": "Mediation would help."})
    assert lawyer.post(f"/legal/questions/{question.id}/suggest/mediation").status_code == 302


def test_an_anonymous_asker_gets_a_case_once_and_follows_it_by_its_code(app, client, login, legal):
    question, code, _secret = ask_anonymously(client, text="The flat above floods my kitchen.")
    _suggest_mediation(app, login, legal, question)
    response = client.post(f"/legal/q/{code}/mediation")
    assert response.headers["Location"].endswith("/disputes/receipt")
    receipt = client.get("/disputes/receipt").text
    case_code = re.search(r'id="case-code">([^<]+)<', receipt).group(1)
    assert re.search(r'id="case-secret">([^<]+)<', receipt)  # shown once, to the asker only
    assert client.post(f"/legal/q/{code}/mediation").headers["Location"].endswith(f"/legal/q/{code}")
    cases = list(db.session.scalars(sa.select(DisputeCase).where(DisputeCase.channel == Channel.LEGAL.value)))
    assert len(cases) == 1 and cases[0].code == case_code
    case = cases[0]
    assert case.kind == "neighbours" and case.facts == "The flat above floods my kitchen."
    assert code in case.source and case.parties[0].user_id is None
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "dispute", QueueItem.subject_id == case.id)
    )
    assert item is not None
    assert client.get(f"/disputes/case/{case_code}").status_code == 200


def test_a_signed_in_asker_is_the_case_applicant(app, client, login, legal):
    resident = legal["users"]["resident"]
    login(client, resident)
    assert client.post("/legal/ask", data={"topic": "labour", "question": "Unpaid wages."}).status_code == 302
    question = db.session.scalar(sa.select(LegalQuestion).order_by(LegalQuestion.id.desc()))
    _suggest_mediation(app, login, legal, question)
    client.post(f"/legal/q/{question.tracking_code}/mediation")
    case = db.session.scalar(sa.select(DisputeCase).where(DisputeCase.channel == Channel.LEGAL.value))
    assert case.kind == "labour_pay" and case.parties[0].user_id == resident.id
