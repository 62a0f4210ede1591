"""A leader acts for their own teams' points, shifts and members only: every route in
OWN_TEAMS_ONLY (tests/patrols/access.py) refuses a leader of another team and admits the team's own."""

import pytest
from flask import url_for

from tests.factories import UserFactory
from tests.patrols.access import OWN_TEAMS_ONLY
from tipboard.extensions import db
from tipboard.patrols.models import MemberRole, SignUp
from tipboard.patrols.teams import add_member, apply


@pytest.fixture
def objects(patrol):
    signup = SignUp(shift_id=patrol["shift"].id, user_id=patrol["volunteers"][0].id, status="confirmed")
    db.session.add(signup)
    patrol["shift"].confirmed_count = 1
    other_leader = UserFactory(name="Leader B")
    add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    application = apply(patrol["team_a"], UserFactory(name="Applicant"), "")
    db.session.commit()
    return {
        "team_a": patrol["team_a"].id,
        "member_a": patrol["team_a"].membership(patrol["volunteers"][1]).id,
        "point_a": patrol["point_a"].id,
        "shift": patrol["shift"].id,
        "signup_a": signup.id,
        "volunteer_a": patrol["volunteers"][0].id,
        "application_a": application.id,
        "own_leader": patrol["leader"],
        "other_leader": other_leader,
    }


def _open(client, endpoint, spec, objects):
    params = {k: objects.get(v, v) for k, v in spec.get("params", {}).items()}
    url = url_for(endpoint, **params)
    return client.open(url, method=spec.get("method", "GET"), data={"login": "nobody"})


@pytest.mark.parametrize("endpoint", sorted(OWN_TEAMS_ONLY))
def test_a_leader_of_another_team_is_refused(app, objects, login, endpoint):
    client = login(app.test_client(), objects["other_leader"])
    assert _open(client, endpoint, OWN_TEAMS_ONLY[endpoint], objects).status_code == 403


@pytest.mark.parametrize("endpoint", sorted(OWN_TEAMS_ONLY))
def test_the_teams_own_leader_is_let_in(app, objects, login, endpoint):
    client = login(app.test_client(), objects["own_leader"])
    assert _open(client, endpoint, OWN_TEAMS_ONLY[endpoint], objects).status_code in (200, 302)


def test_the_points_page_offers_check_in_codes_of_ones_own_points_only(app, objects, patrol, login):
    own = login(app.test_client(), objects["own_leader"]).get("/patrols/points").data.decode()
    other = login(app.test_client(), objects["other_leader"]).get("/patrols/points").data.decode()
    assert f"/points/{patrol['point_a'].id}/qr" in own and f"/points/{patrol['point_b'].id}/qr" not in own
    assert f"/points/{patrol['point_a'].id}/qr" not in other and f"/points/{patrol['point_b'].id}/qr" in other
