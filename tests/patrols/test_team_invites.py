"""A leader adds someone to the team: the service that adds them also tells them, once."""

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.patrols import teams
from tipboard.patrols.models import MemberRole
from tipboard.patrols.shifts import PatrolError


def _invited(user) -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.key == "patrols.invited"
        )
    ).all()


def test_inviting_adds_the_person_and_tells_them_once(patrol, users):
    newcomer = users["resident"]
    member = teams.invite(patrol["team_a"], newcomer, patrol["leader"])
    assert member.team_id == patrol["team_a"].id and member.role == MemberRole.MEMBER.value
    assert patrol["team_a"].membership(newcomer) is member
    [message] = _invited(newcomer)
    assert message.params == {"team": "Team A"}
    assert message.render("en") == ("You were added to a volunteer team", "A leader added you to Team A.")
    assert _invited(patrol["leader"]) == []


def test_staff_may_invite_to_any_team(patrol, users):
    teams.invite(patrol["team_b"], users["resident"], users["staff"])
    assert patrol["team_b"].membership(users["resident"]) is not None
    assert len(_invited(users["resident"])) == 1


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
    assert patrol["team_a"].membership(newcomer) is None
    assert _invited(newcomer) == []


def test_inviting_someone_already_in_the_team_is_refused_and_sends_nothing(patrol):
    volunteer = patrol["volunteers"][0]
    with pytest.raises(PatrolError, match="already_member"):
        teams.invite(patrol["team_a"], volunteer, patrol["leader"])
    assert _invited(volunteer) == []
    assert patrol["team_a"].membership(volunteer).role == MemberRole.MEMBER.value


def test_invite_page_commits_and_says_so_and_a_second_invite_is_refused(client, patrol, login):
    team = patrol["team_a"]
    newcomer = UserFactory(name="Wang Fang", username="wangfang")
    login(client, patrol["leader"])
    response = client.post(f"/patrols/teams/{team.id}/invite", data={"login": newcomer.username})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/patrols/teams/{team.id}")
    page = client.get(response.headers["Location"])
    assert f"{newcomer.name} is now in the team." in page.data.decode()
    db.session.expire_all()
    assert team.membership(newcomer) is not None
    assert len(_invited(newcomer)) == 1

    again = client.post(
        f"/patrols/teams/{team.id}/invite", data={"login": newcomer.username}, follow_redirects=True
    )
    assert again.status_code == 200
    assert f"{newcomer.name} is already in the team." in again.data.decode()
    assert len(_invited(newcomer)) == 1

    unknown = client.post(
        f"/patrols/teams/{team.id}/invite", data={"login": "nobody-by-that-name"}, follow_redirects=True
    )
    assert "No account with that phone, email or user name." in unknown.data.decode()


def test_invite_page_is_closed_to_other_teams_leaders(client, patrol, users, login):
    other_leader = UserFactory()
    teams.add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    login(client, other_leader)
    response = client.post(
        f"/patrols/teams/{patrol['team_a'].id}/invite", data={"login": users["resident"].username}
    )
    assert response.status_code == 403
    assert _invited(users["resident"]) == []
