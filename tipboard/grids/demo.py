"""Demo grids: officers and deputies, the grid worker of Old Street, and two weeks of duty leaders."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid, GridMember
from tipboard.moderation.escalation import DutyLeader, set_duty_leader
from tipboard.permissions import Role
from tipboard.timezones import local_now

# grid code, officer, deputy (demo user names)
OFFICERS = [
    ("WC-01", "staff", "supervisor2"),
    ("WC-02", "supervisor2", "staff"),
    ("WC-03", "staff", "supervisor"),
    ("WC-04", "staff", "supervisor2"),
]
ROTA = ("supervisor", "supervisor2")  # alternating, from a week ago to a week ahead


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


@demo_loader(order=4)
def load_grids() -> None:
    for code, officer, deputy in OFFICERS:
        grid = db.session.scalar(sa.select(Grid).where(Grid.code == code))
        if grid is not None and grid.officer_id is None:
            grid.officer_id, grid.deputy_id = _user(officer).id, _user(deputy).id
    old_street = db.session.scalar(sa.select(Grid).where(Grid.code == "WC-04"))
    worker = _user("gridworker")
    if old_street is not None and worker is not None:
        known = sa.select(GridMember.id).where(
            GridMember.grid_id == old_street.id, GridMember.user_id == worker.id
        )
        if db.session.scalar(known) is None:
            db.session.add(GridMember(grid_id=old_street.id, user_id=worker.id, role=Role.GRIDWORKER.value))
    today = local_now().date()
    for offset in range(-7, 8):
        day = today + dt.timedelta(days=offset)
        if db.session.scalar(sa.select(DutyLeader.id).where(DutyLeader.day == day)) is None:
            set_duty_leader(day, _user(ROTA[day.toordinal() % 2]))
    db.session.flush()
