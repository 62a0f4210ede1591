"""Cases in a chosen state, built through the services."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.disputes import services
from tipboard.disputes.intake import Applicant, open_case
from tipboard.disputes.models import MemberRole, Side
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.permissions import Role


def keys_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.key).where(OutboxMessage.user_id == user.id)))


def english(app):
    """A test client that reads English (a bare app.test_client() reads the default, Chinese)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def invitation_from(flashes: str) -> str:
    return re.search(r"invitation code ([0-9A-Z-]{14})", flashes).group(1)


class World:
    """An applicant with an account, an other side with one, the demo-style station people."""

    def __init__(self, users):
        self.users = users
        self.applicant = UserFactory(name="Applicant Ann", phone="13900000001")
        self.other = UserFactory(name="Other Otto", phone="13900000002")
        self.mediator = users["mediator"]
        self.lawyer = users["lawyer"]
        self.partner = users["partner"]
        self.staff = users["staff"]
        self.supervisor = users["supervisor"]
        self.other_mediator = UserFactory(name="Mediator Two", roles=(Role.MEDIATOR,))

    def case(self, state: str = "received", other_phone: str | None = "13900000002", risk: bool = False):
        receipt = open_case(
            Applicant(self.applicant, self.applicant.name),
            "noise",
            "Loud music every night after midnight.",
            "Quiet after 10 pm.",
            other_name="Other Otto",
            other_phone=other_phone,
            risk=risk,
        )
        case = receipt.case
        if state == "received":
            return case
        services.accept(
            case,
            self.mediator,
            [(self.lawyer, MemberRole.LAWYER), (self.partner, MemberRole.PARTNER)],
            self.staff,
        )
        if state == "accepted":
            return case
        services.answer_invitation(case, case.party(Side.OTHER), True)
        return case


@pytest.fixture
def world(app_ctx, users):
    return World(users)
