"""Building a roster week asks the database a fixed number of questions, however many points."""

import datetime as dt

from tests.factories import GridFactory, UserFactory
from tests.roster.test_weekly_build import WEEK
from tests.sqlcount import statements
from tipboard.extensions import db
from tipboard.patrols.models import MemberRole, PatrolPoint, Shift, Team
from tipboard.patrols.teams import add_member
from tipboard.roster import build
from tipboard.timezones import from_local


def seed_points(n: int) -> list[Team]:
    """n points without a team of their own, each on its own grid with its own team, one shift each."""
    teams = []
    for i in range(n):
        grid = GridFactory()
        team = Team(name_en=f"Grid team {grid.id}", grids=[grid])
        db.session.add(team)
        db.session.flush()
        add_member(team, UserFactory(), MemberRole.LEADER)
        point = PatrolPoint(name_en=f"Point {grid.id}", lat=31.95, lon=119.96, grid_id=grid.id)
        db.session.add(point)
        db.session.flush()
        start = from_local(dt.datetime.combine(WEEK + dt.timedelta(days=i % 7), dt.time(19)))
        db.session.add(
            Shift(
                point_id=point.id,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                min_volunteers=1,
                max_volunteers=2,
                requires_leader=True,
            )
        )
        teams.append(team)
    db.session.flush()
    return teams


def test_the_teams_of_every_ungridded_point_come_in_one_query(app_ctx):
    teams = seed_points(2)
    with statements() as few:
        build.instance_for_week(WEEK)
    teams += seed_points(4)
    with statements() as many:
        instance, shifts = build.instance_for_week(WEEK)
    on_team_grid = [s for s in many if "FROM team_grid" in s]
    assert len(on_team_grid) == 1, on_team_grid
    assert len(many) == len(few), "the number of queries grows with the number of points"
    # the one query still gives each point the team of its grid, and only that team
    team_of_grid = {t.grids[0].id: t.id for t in teams}
    assert len(instance.slots) == len(instance.people) == 6
    for person in instance.people:
        assert [team_of_grid[shifts[s].point.grid_id] for s in person.available] == list(person.team_ids)
