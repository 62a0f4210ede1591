"""A leader's invitation is an offer: the person joins (and becomes a volunteer) only when they
accept it on their own page, and the leader learns nothing about them before that."""

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.patrols import teams
from tipboard.patrols.models import MemberRole, TeamInvite, VolunteerProfile
from tipboard.patrols.shifts import PatrolError
from tipboard.permissions import Role


def _invited(user) -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.key == "patrols.invited"
        )
    ).all()


def test_an_invitation_changes_nothing_until_it_is_accepted(patrol, users):
    newcomer = users["resident"]
    offer = teams.invite(patrol["team_a"], newcomer, patrol["leader"])
    assert offer.status == "pending" and patrol["team_a"].membership(newcomer) is None
    assert not newcomer.has_role(Role.VOLUNTEER)
    [message] = _invited(newcomer)
    assert message.render("en") == (
        "An invitation to a volunteer team",
        "A leader invites you to join Team A. Open Patrols to accept or decline.",
    )
    teams.answer_invite(offer, newcomer, accept=True)
    assert patrol["team_a"].membership(newcomer).role == MemberRole.MEMBER.value
    assert newcomer.has_role(Role.VOLUNTEER)
    with pytest.raises(PatrolError, match="already_decided"):
        teams.answer_invite(offer, newcomer, accept=False)


@pytest.mark.parametrize("who", ["staff", "admin", "other_team_member"])
def test_staff_admins_and_other_teams_members_are_asked_not_added(patrol, users, who):
    person = patrol["outsider"] if who == "other_team_member" else users[who]
    roles_before = set(person.role_names)
    offer = teams.invite(patrol["team_a"], person, patrol["leader"])
    assert offer.status == "pending" and patrol["team_a"].membership(person) is None
    assert set(person.role_names) == roles_before
    teams.answer_invite(offer, person, accept=False)
    assert offer.status == "declined" and patrol["team_a"].membership(person) is None
    assert set(person.role_names) == roles_before
    # A "no" is not asked again.
    assert teams.invite(patrol["team_a"], person, patrol["leader"]) is None
    assert len(_invited(person)) == 1


@pytest.mark.parametrize("actor", ["member", "other_leader"])
def test_only_the_teams_leaders_may_invite_and_a_refusal_sends_nothing(patrol, users, actor):
    if actor == "member":
        inviter = patrol["volunteers"][0]
    else:
        inviter = UserFactory()
        teams.add_member(patrol["team_b"], inviter, MemberRole.LEADER)
    newcomer = users["resident"]
    with pytest.raises(PatrolError, match="not_leader"):
        teams.invite(patrol["team_a"], newcomer, inviter)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TeamInvite)) == 0
    assert _invited(newcomer) == []


def test_nobody_is_asked_twice_or_when_already_in_the_team(patrol, users):
    assert teams.invite(patrol["team_a"], patrol["volunteers"][0], patrol["leader"]) is None
    assert _invited(patrol["volunteers"][0]) == []
    assert teams.invite(patrol["team_a"], users["resident"], patrol["leader"]) is not None
    assert teams.invite(patrol["team_a"], users["resident"], users["staff"]) is None
    assert len(_invited(users["resident"])) == 1


def test_the_leader_learns_nothing_about_the_person_before_they_accept(app, client, patrol, login):
    team = patrol["team_a"]
    newcomer = UserFactory(name="Wang Fang", username="wangfang", phone="13800001111")
    db.session.add(
        VolunteerProfile(user_id=newcomer.id, emergency_name="Li Lei", emergency_phone="13900002222")
    )
    db.session.commit()
    login(client, patrol["leader"])
    answers = []
    for login_name in ("wangfang", "13800001111", "nobody-by-that-name", "wangfang"):
        response = client.post(f"/patrols/teams/{team.id}/invite", data={"login": login_name})
        assert response.status_code == 302 and response.headers["Location"].endswith(
            f"/patrols/teams/{team.id}"
        )
        page = client.get(response.headers["Location"]).data.decode()
        answers.append(page.split("<main", 1)[-1].split("</main>", 1)[0].replace("nobody-by-that-name", ""))
        for secret in ("Wang Fang", "13800001111", "Li Lei", "13900002222"):
            assert secret not in page
    assert len(set(answers)) == 1  # the same answer whether or not the account exists
    assert "its owner was invited" in answers[0]
    db.session.expire_all()
    assert team.membership(newcomer) is None and len(_invited(newcomer)) == 1

    # The invitee accepts on their own page; only then is the leader shown them.
    invitee = login(app.test_client(), newcomer)
    page = invitee.get("/patrols/").data.decode()
    assert "Team A" in page and "Accept" in page
    offer = db.session.scalars(sa.select(TeamInvite)).one()
    assert invitee.post(f"/patrols/invites/{offer.id}/accept").status_code == 302
    db.session.expire_all()
    assert team.membership(newcomer) is not None
    assert "Wang Fang" in client.get(f"/patrols/teams/{team.id}").data.decode()


def test_only_the_invited_person_may_answer(app, patrol, users, login):
    offer = teams.invite(patrol["team_a"], users["resident"], patrol["leader"])
    db.session.commit()
    for who in (patrol["leader"], patrol["volunteers"][0], users["admin"]):
        other = login(app.test_client(), who)
        assert other.post(f"/patrols/invites/{offer.id}/accept").status_code == 404
    anonymous = app.test_client().post(f"/patrols/invites/{offer.id}/accept")
    assert anonymous.status_code in (302, 401) and "/auth/login" in anonymous.headers.get(
        "Location", "/auth/login"
    )
    db.session.expire_all()
    assert db.session.get(TeamInvite, offer.id).status == "pending"
    assert patrol["team_a"].membership(users["resident"]) is None
    mine = login(app.test_client(), users["resident"])
    assert mine.post(f"/patrols/invites/{offer.id}/decline").status_code == 302
    db.session.expire_all()
    assert db.session.get(TeamInvite, offer.id).status == "declined"
    assert patrol["team_a"].membership(users["resident"]) is None


def test_invite_page_is_closed_to_other_teams_leaders(client, patrol, users, login):
    other_leader = UserFactory()
    teams.add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    login(client, other_leader)
    response = client.post(
        f"/patrols/teams/{patrol['team_a'].id}/invite", data={"login": users["resident"].username}
    )
    assert response.status_code == 403
    assert _invited(users["resident"]) == []
