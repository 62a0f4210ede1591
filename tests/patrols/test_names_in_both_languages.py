"""Teams and patrol points are named in both languages: station staff name them, every page and
message reads the reader's, and a team name another team has is refused with a message, not a 500."""

import re

import sqlalchemy as sa

from tests.factories import GridFactory, UserFactory
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.patrols import shifts, teams
from tipboard.patrols.models import MemberRole, PatrolPoint, Team
from tipboard.permissions import Role


def _form(grids, **values) -> dict:
    return {
        "name_zh": "沿江巡逻队",
        "name_en": "Riverside Patrol",
        "description": "晚间巡逻 · Evening patrols",
        "grids": [str(g.id) for g in grids],
        **values,
    }


def test_staff_name_a_team_in_both_languages_and_each_reader_sees_theirs(app_ctx, client, login):
    grids = [GridFactory(), GridFactory()]
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,)))
    assert client.get("/patrols/teams/new").status_code == 200
    response = client.post("/patrols/teams/new", data=_form(grids, swaps_need_approval="y"))
    assert response.status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name_en == "Riverside Patrol"))
    assert (team.name_zh, team.swaps_need_approval) == ("沿江巡逻队", True)
    assert {g.id for g in team.grids} == {g.id for g in grids}

    for locale, shown, hidden in (
        ("zh_Hans", "沿江巡逻队", "Riverside Patrol"),
        ("en", "Riverside Patrol", "沿江巡逻队"),
    ):
        reader = app_ctx.test_client()
        login(reader, UserFactory(roles=(Role.RESIDENT,), locale=locale))
        page = reader.get("/patrols/teams").data.decode()
        assert f"<h2>{shown}</h2>" in page and f"<h2>{hidden}</h2>" not in page
        assert "/patrols/teams/new" not in page  # a resident is not offered the staff's button


def test_staff_rename_a_team_and_change_its_grids(app_ctx, client, login):
    old_grid, new_grid = GridFactory(), GridFactory()
    team = Team(name_en="Old name", grids=[old_grid])
    db.session.add(team)
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,)))
    page = client.get(f"/patrols/teams/{team.id}/edit").data.decode()
    assert 'value="Old name"' in page and re.search(rf'<input checked[^>]*value="{old_grid.id}"', page)
    # The grids are a group with its name as the legend; one box ticked is enough for the browser.
    assert "<legend>The grids it patrols</legend>" in page
    assert not re.search(r'<input[^>]*name="grids"[^>]*required', page)
    response = client.post(
        f"/patrols/teams/{team.id}/edit", data=_form([new_grid], name_en="New name", name_zh="新名字")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (team.name_en, team.name_zh, [g.id for g in team.grids]) == ("New name", "新名字", [new_grid.id])
    assert team.swaps_need_approval is False  # the box left unticked


def test_a_name_another_team_has_is_refused_and_nothing_is_saved(app_ctx, client, login):
    grid = GridFactory()
    db.session.add(Team(name_en="Riverside Patrol", name_zh="江边队", grids=[grid]))
    db.session.add(Team(name_en="Market Patrol", name_zh="沿江巡逻队", grids=[grid]))
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,)))
    for values in ({"name_zh": "新队"}, {"name_en": "New Team"}):  # the English, then the Chinese taken
        response = client.post("/patrols/teams/new", data=_form([grid], **values))
        assert response.status_code == 400
        assert "Another team already has that name." in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 2


def test_a_team_needs_both_names_and_a_grid(app_ctx, client, login):
    login(client, UserFactory(roles=(Role.STAFF,)))
    response = client.post("/patrols/teams/new", data={"name_zh": " ", "name_en": "Only English"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 0


def test_leaders_and_volunteers_may_not_name_teams(app_ctx, client, login):
    team = Team(name_en="Team A", grids=[GridFactory()])
    db.session.add(team)
    db.session.flush()
    leader = UserFactory(roles=(Role.RESIDENT,))
    teams.add_member(team, leader, MemberRole.LEADER)
    db.session.commit()
    login(client, leader)
    assert client.get(f"/patrols/teams/{team.id}/edit").status_code == 403
    assert client.post(f"/patrols/teams/{team.id}/edit", data=_form(team.grids)).status_code == 403
    db.session.expire_all()
    assert team.name_en == "Team A"


def test_messages_name_the_team_in_their_readers_language(app_ctx):
    team = Team(name_en="Riverside Patrol", name_zh="沿江巡逻队", grids=[GridFactory()])
    db.session.add(team)
    db.session.flush()
    leader = UserFactory(roles=(Role.RESIDENT,))
    teams.add_member(team, leader, MemberRole.LEADER)
    chinese, english = UserFactory(locale="zh_Hans"), UserFactory(locale="en")
    for person in (chinese, english):
        teams.invite(team, person, leader)
    db.session.flush()
    said = {
        m.user_id: m
        for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.key == "patrols.invited"))
    }
    assert "沿江巡逻队" in said[chinese.id].render()[1]
    assert "Riverside Patrol" in said[english.id].render()[1]
    # An SMS template takes its parameters in the reader's language too.
    assert said[chinese.id].render_params(delivering=True)["team"] == "沿江巡逻队"
    assert said[english.id].render_params(delivering=True)["team"] == "Riverside Patrol"


def test_a_team_named_in_one_language_shows_that_name_in_both(app_ctx):
    team = Team(name_en="Named before", grids=[GridFactory()])
    db.session.add(team)
    db.session.flush()
    db.session.refresh(team)  # the column's default, as an old team has after the migration
    assert team.names == {"zh": "Named before", "en": "Named before"}


def test_each_reader_sees_a_point_named_in_their_language(app_ctx, patrol, login):
    for locale, shown, hidden in (("zh_Hans", "巡逻点A", "Point A"), ("en", "Point A", "巡逻点A")):
        reader = app_ctx.test_client()
        login(reader, UserFactory(roles=(Role.STAFF,), locale=locale))
        page = reader.get("/patrols/points").data.decode()
        assert f"<strong>{shown}</strong>" in page and f"<strong>{hidden}</strong>" not in page


def test_a_shift_message_names_the_point_in_its_readers_language(app_ctx, patrol):
    shift = patrol["shift"]
    assert shift.title == ""  # a shift without a title is called by its point
    chinese, english = UserFactory(locale="zh_Hans"), UserFactory(locale="en")
    said = [
        OutboxMessage(user=u, key="patrols.reminder_day", params=shifts._label(shift))
        for u in (chinese, english)
    ]
    assert "巡逻点A" in said[0].render()[1] and "Point A" in said[1].render()[1]


def test_a_new_point_needs_both_names(app_ctx, client, patrol, login):
    login(client, UserFactory(roles=(Role.STAFF,)))
    data = {"name_en": "Canal path", "name_zh": " ", "lat": "31.9", "lon": "119.9", "radius_m": "150"}
    response = client.post("/patrols/points/new", data={**data, "grid": str(patrol["grid_a"].id)})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == "Canal path")) is None


def test_the_name_fields_are_labelled_in_the_readers_language(app_ctx, client, login):
    login(client, UserFactory(roles=(Role.STAFF,), locale="zh_Hans"))
    page = client.get("/patrols/teams/new").data.decode()
    assert "名称（中文）" in page and "名称（英文）" in page
