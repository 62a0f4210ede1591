"""Demo teams, points, templates and two weeks of shifts (idempotent)."""

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.patrols.models import MemberRole, PatrolPoint, ShiftTemplate, Team
from tipboard.patrols.shifts import generate_shifts
from tipboard.patrols.teams import add_member
from tipboard.timezones import local_now

TEAMS = [
    ("Glasses Heroes Alliance · Team 1", "眼镜侠公益联盟一队", ["WC-01", "WC-04"]),
    ("Riverside Patrol Team", "沿江巡逻队", ["WC-02", "WC-03"]),
]
POINTS = [
    ("Market north gate", "WC-01", 31.9525, 119.9602, 1.5),
    ("Old Street stairwells", "WC-04", 31.9471, 119.9669, 1.2),
    ("Riverside rental rooms", "WC-02", 31.9603, 119.9714, 1.0),
    ("Park road crossing", "WC-03", 31.9396, 119.9508, 1.0),
]


@demo_loader(order=30)
def load_patrol_demo() -> None:
    made = []
    for en, zh, grid_codes in TEAMS:
        team = db.session.scalar(sa.select(Team).where(Team.name == en))
        if team is None:
            team = Team(
                name=en,
                description=zh,
                grids=list(db.session.scalars(sa.select(Grid).where(Grid.code.in_(grid_codes)))),
            )
            db.session.add(team)
            db.session.flush()
        made.append(team)
    leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
    volunteer = db.session.scalar(sa.select(User).where(User.username == "volunteer"))
    add_member(made[0], leader, MemberRole.LEADER)
    add_member(made[0], volunteer)
    for name, grid_code, lat, lon, weight in POINTS:
        if db.session.scalar(sa.select(PatrolPoint.id).where(PatrolPoint.name == name)) is not None:
            continue
        grid = db.session.scalar(sa.select(Grid).where(Grid.code == grid_code))
        point = PatrolPoint(name=name, lat=lat, lon=lon, grid_id=grid.id, base_weight=weight)
        db.session.add(point)
        db.session.flush()
        db.session.add(
            ShiftTemplate(
                point_id=point.id,
                title=f"{name} · evening",
                weekdays=[0, 1, 2, 3, 4],
                start_time=dt.time(19),
                end_time=dt.time(21),
                min_volunteers=2,
                max_volunteers=4,
            )
        )
        db.session.add(
            ShiftTemplate(
                point_id=point.id,
                title=f"{name} · weekend",
                weekdays=[5, 6],
                start_time=dt.time(14),
                end_time=dt.time(17),
                min_volunteers=2,
                max_volunteers=5,
            )
        )
    db.session.flush()
    monday = local_now().date() - dt.timedelta(days=local_now().weekday())
    generate_shifts(monday)
    generate_shifts(monday + dt.timedelta(days=7))
