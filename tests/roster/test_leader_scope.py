"""A leader acts on their own teams' patrols only; the station-wide roster is built, rebuilt and
published by station staff (the OWN_TEAMS_ONLY list in tests/roster/access.py)."""

import pytest
import sqlalchemy as sa

from tests.factories import GridFactory, UserFactory
from tests.roster.access import OWN_TEAMS_ONLY
from tests.roster.test_weekly_build import WEEK, seed_week
from tipboard.extensions import db
from tipboard.patrols.models import MemberRole, Team
from tipboard.patrols.teams import add_member
from tipboard.roster import build
from tipboard.roster.models import RosterRun


@pytest.fixture
def week(app_ctx):
    team, people, made = seed_week()
    run = build.build_week(WEEK)
    other_team = Team(name_en="Elsewhere", grids=[GridFactory()])
    db.session.add(other_team)
    outsider = UserFactory(name="Other leader")
    add_member(other_team, outsider, MemberRole.LEADER)
    db.session.commit()
    assignment = run.assignments[0]
    return {
        "run": run.id,
        "shift": assignment.shift_id,
        "person": assignment.user_id,
        "own_leader": people[0],
        "other_leader": outsider,
    }


def _post(client, endpoint, spec, objects):
    path = {
        "roster.edit": "/roster/{run_id}/edit",
        "roster.fill": "/roster/{run_id}/fill",
        "roster.build_now": "/roster/build",
        "roster.rebuild": "/roster/{run_id}/rebuild",
        "roster.publish": "/roster/{run_id}/publish",
    }[endpoint].format(**{k: objects[v] for k, v in spec.get("params", {}).items()})
    data = {k: objects.get(v, v) for k, v in spec.get("data", {}).items()}
    return client.post(path, data=data)


@pytest.mark.parametrize("endpoint", sorted(OWN_TEAMS_ONLY))
def test_a_leader_of_another_team_is_refused(app, week, login, endpoint):
    runs_before = db.session.scalar(sa.select(sa.func.count()).select_from(RosterRun))
    client = login(app.test_client(), week["other_leader"])
    assert _post(client, endpoint, OWN_TEAMS_ONLY[endpoint], week).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterRun)) == runs_before
    assert db.session.get(RosterRun, week["run"]).state == "draft"


@pytest.mark.parametrize("endpoint", ["roster.build_now", "roster.rebuild", "roster.publish"])
def test_the_station_wide_roster_is_built_and_published_by_staff(app, week, users, login, endpoint):
    own = login(app.test_client(), week["own_leader"])
    assert _post(own, endpoint, OWN_TEAMS_ONLY[endpoint], week).status_code == 403
    staff = login(app.test_client(), users["staff"])
    assert _post(staff, endpoint, OWN_TEAMS_ONLY[endpoint], week).status_code == 302


def test_a_leader_sees_only_their_own_teams_patrols_in_the_draft(app, week, login):
    own = login(app.test_client(), week["own_leader"]).get(f"/roster/{week['run']}").data.decode()
    assert "Market gate" in own and "Publish" not in own and "Rebuild" not in own
    other = login(app.test_client(), week["other_leader"]).get(f"/roster/{week['run']}").data.decode()
    assert "Market gate" not in other and "V2" not in other
