"""Two law firms with a lawyer each: ``on`` (firm A) is on duty round the clock, ``off`` (firm B)
never is."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.legal import rota
from tipboard.legal.models import LegalQuestion
from tipboard.outbox import OutboxMessage
from tipboard.partners.models import OrganisationKind
from tipboard.partners.services import add_member, find_or_create_organisation
from tipboard.permissions import Role


@pytest.fixture
def legal(users):
    firm_a = find_or_create_organisation("Firm A", OrganisationKind.LAW_FIRM)
    firm_b = find_or_create_organisation("Firm B", OrganisationKind.LAW_FIRM)
    on = users["lawyer"]
    off = UserFactory(username="lawyer-b", roles=(Role.LAWYER,))
    add_member(firm_a, on)
    add_member(firm_b, off)
    for day in range(7):
        rota.add_duty_hours(on, firm_a, day, 0, 24)
    db.session.flush()
    return {"firm_a": firm_a, "firm_b": firm_b, "on": on, "off": off, "users": users}


def keys_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.key).where(OutboxMessage.user_id == user.id)))


def ask_anonymously(client, text="My landlord keeps my deposit.", topic="housing", **extra):
    """Asks through the form; returns (question, code, secret) from the receipt page."""
    response = client.post("/legal/ask", data={"topic": topic, "question": text, **extra})
    assert response.status_code == 302, response.text
    receipt = client.get("/legal/receipt")
    code = re.search(r'id="question-code">([^<]+)<', receipt.text).group(1)
    secret = re.search(r'id="question-secret">([^<]+)<', receipt.text).group(1)
    question = db.session.scalar(sa.select(LegalQuestion).where(LegalQuestion.tracking_code == code))
    return question, code, secret
