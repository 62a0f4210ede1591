import datetime as dt

import pytest

from tests.factories import GridFactory, UserFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols.models import MemberRole, PatrolPoint, Shift, Team
from tipboard.patrols.teams import add_member
from tipboard.permissions import Role


@pytest.fixture
def patrol(app_ctx):
    """Two teams in two grids, a point in each, a leader and volunteers, and a shift tomorrow."""
    grid_a, grid_b = GridFactory(), GridFactory()
    team_a, team_b = Team(name_en="Team A", grids=[grid_a]), Team(name_en="Team B", grids=[grid_b])
    db.session.add_all([team_a, team_b])
    db.session.flush()
    leader = UserFactory(name="Leader A", roles=(Role.RESIDENT,))
    add_member(team_a, leader, MemberRole.LEADER)
    volunteers = []
    for i in range(3):
        user = UserFactory(name=f"Volunteer A{i}")
        add_member(team_a, user)
        volunteers.append(user)
    outsider = UserFactory(name="Volunteer B0")
    add_member(team_b, outsider)
    point_a = PatrolPoint(name_en="Point A", name_zh="巡逻点A", lat=31.95, lon=119.96, grid_id=grid_a.id)
    point_b = PatrolPoint(name_en="Point B", name_zh="巡逻点B", lat=31.96, lon=119.97, grid_id=grid_b.id)
    db.session.add_all([point_a, point_b])
    db.session.flush()
    start = (utcnow() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    shift = make_shift(point_a, start, max_volunteers=2)
    db.session.commit()
    return {
        "team_a": team_a,
        "team_b": team_b,
        "leader": leader,
        "volunteers": volunteers,
        "outsider": outsider,
        "point_a": point_a,
        "point_b": point_b,
        "shift": shift,
        "grid_a": grid_a,
    }


def make_shift(point, start, hours=2, **kw):
    shift = Shift(point_id=point.id, starts_at=start, ends_at=start + dt.timedelta(hours=hours), **kw)
    db.session.add(shift)
    db.session.flush()
    return shift
