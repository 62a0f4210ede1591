"""Confidentiality: a case is seen by its parties, its people and supervisors, nobody else."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.disputes.conftest import english
from tests.factories import UserFactory
from tipboard.disputes.models import CaseParty, Side
from tipboard.extensions import db
from tipboard.moderation.services import audit_trail
from tipboard.partners.models import OrganisationKind
from tipboard.partners.services import add_member, find_or_create_organisation
from tipboard.permissions import Role

CASE_PAGES = ["", "/agreement.pdf", "/agreement"]


@pytest.fixture
def mediating(world):
    return world.case("mediating")


def test_parties_people_and_supervisors_see_the_case(app, world, mediating, login):
    for user in (world.applicant, world.other, world.mediator, world.lawyer, world.partner, world.supervisor):
        client = login(english(app), user)
        assert client.get(f"/disputes/case/{mediating.code}").status_code == 200, user.name


@pytest.mark.parametrize(
    "who",
    ["stranger", "staff", "other_mediator", "outside_partner", "outside_lawyer", "party_of_another_case"],
)
def test_nobody_else_sees_it_and_cannot_tell_it_exists(app, world, mediating, login, who):
    if who == "outside_partner":
        user = UserFactory(roles=(Role.PARTNER,))
        add_member(
            find_or_create_organisation("Another Property Co", OrganisationKind.PROPERTY_MANAGER), user
        )
    elif who == "outside_lawyer":
        user = UserFactory(roles=(Role.LAWYER,))
    elif who == "party_of_another_case":
        another = world.case("mediating", other_phone=None)
        user = UserFactory()  # the applicant of another case, not of this one
        another.parties[0].user_id = user.id
    else:
        user = {"stranger": UserFactory(), "staff": world.staff, "other_mediator": world.other_mediator}[who]
    client = login(english(app), user)
    for path in ("", "/agreement.pdf"):
        assert client.get(f"/disputes/case/{mediating.code}{path}").status_code == 404
    assert client.get("/disputes/case/ZZZZ-ZZZZ").status_code == 404  # the same answer as an unknown case
    response = client.post(f"/disputes/case/{mediating.code}/message", data={"thread": "joint", "body": "hi"})
    assert response.status_code == 404
    assert mediating.code.encode() not in client.get("/disputes/mine").data


def test_an_anonymous_party_session_opens_only_their_own_case(app, world, login):
    first = world.case("mediating", other_phone=None)
    second = world.case("mediating", other_phone=None)
    party = first.party(Side.APPLICANT)
    client = english(app)
    with client.session_transaction() as sess:
        sess["dispute_parties"] = {str(party.id): int(time.time()) + 60}
    assert client.get(f"/disputes/case/{first.code}").status_code == 200
    assert client.get(f"/disputes/case/{second.code}").status_code == 404


def test_parties_are_refused_the_station_actions(app, world, mediating, login):
    client = login(english(app), world.applicant)
    for path in ("/agreement", "/invite", "/end"):
        method = client.get if path == "/agreement" else client.post
        assert method(f"/disputes/case/{mediating.code}{path}").status_code == 403, path


def test_the_applicant_cannot_answer_for_the_other_side(app, world, login):
    case = world.case("accepted")
    client = login(english(app), world.applicant)
    assert client.post(f"/disputes/case/{case.code}/consent", data={"agree": "yes"}).status_code == 403


def test_every_look_by_the_station_is_audited_and_a_party_look_is_not(app, world, mediating, login):
    login(english(app), world.supervisor).get(f"/disputes/case/{mediating.code}")
    login(english(app), world.lawyer).get(f"/disputes/case/{mediating.code}/agreement.pdf")
    login(english(app), world.applicant).get(f"/disputes/case/{mediating.code}")
    db.session.expire_all()
    looks = [
        (e.actor_id, e.action)
        for e in audit_trail("dispute", mediating.id)
        if e.action in ("view", "download agreement")
    ]
    assert (world.supervisor.id, "view") in looks
    assert (world.lawyer.id, "download agreement") in looks
    assert all(actor != world.applicant.id for actor, _a in looks)


def test_figures_are_for_staff_only(app, world, login):
    for user, status in (
        (world.applicant, 403),
        (world.mediator, 403),
        (world.partner, 403),
        (world.staff, 200),
    ):
        client = login(english(app), user)
        assert client.get("/disputes/figures").status_code == status
        assert client.get("/disputes/figures.csv").status_code == status


def test_a_tip_reporter_kept_anonymous_to_the_other_side(app, world, login):
    case = world.case("mediating")
    case.party(Side.APPLICANT).hidden_from_other = True
    db.session.commit()
    other_view = login(english(app), world.other).get(f"/disputes/case/{case.code}").get_data(as_text=True)
    assert "Applicant Ann" not in other_view and "name withheld" in other_view
    assert "Applicant Ann" in login(english(app), world.mediator).get(f"/disputes/case/{case.code}").get_data(
        as_text=True
    )
    assert (
        db.session.scalar(sa.select(CaseParty.name).where(CaseParty.id == case.parties[0].id))
        == "Applicant Ann"
    )


def test_the_case_page_reads_in_chinese(app, world, login):
    case = world.case("accepted")
    world.other.locale = "zh_Hans"
    client = login(app.test_client(), world.other)
    page = client.get(f"/disputes/case/{case.code}").get_data(as_text=True)
    assert "调解案件" in page and "邀请您参加调解" in page and "同意调解" in page
