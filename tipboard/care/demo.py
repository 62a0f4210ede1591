"""Demo care register: five people in care, with visits done and due (the officer `staff` answers
for their grids; the volunteer visits one and mentors a child)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.care.models import CarePerson, CareVisitor
from tipboard.care.services import log_visit, queue_overdue
from tipboard.database import utcnow
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.timezones import local_now

PEOPLE = [
    # name, kind, grid, needs, every days, days since the last visit (None: never), visitor kind
    (
        "王奶奶 Granny Wang",
        "elderly_alone",
        "WC-04",
        "Lives alone on the 5th floor; bad knees.",
        14,
        5,
        "officer",
    ),
    (
        "赵大爷 Grandpa Zhao",
        "elderly_ill",
        "WC-02",
        "Diabetes; needs the clinic's monthly check-up.",
        30,
        40,
        "clinic",
    ),
    (
        "小明 Xiaoming",
        "child",
        "WC-01",
        "Parents work in another city; lives with his grandmother.",
        14,
        3,
        "volunteers",
    ),
    (
        "钱阿婆 Granny Qian",
        "elderly_alone",
        "WC-03",
        "Hard of hearing; no phone of her own.",
        7,
        10,
        "officer",
    ),
    (
        "小红 Xiaohong",
        "child",
        "WC-04",
        "Left-behind child; homework help on weekends.",
        14,
        None,
        "volunteers",
    ),
]


@demo_loader(order=45)
def load_care() -> None:
    if db.session.scalar(sa.select(sa.func.count(CarePerson.id))):
        return
    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    volunteer = db.session.scalar(sa.select(User).where(User.username == "volunteer"))
    now = utcnow()
    for name, kind, grid_code, needs, every, since, visitor_kind in PEOPLE:
        grid = db.session.scalar(sa.select(Grid).where(Grid.code == grid_code))
        person = CarePerson(
            name=name,
            kind=kind,
            grid_id=grid.id,
            needs=needs,
            consent_by=name if kind != "child" else "监护人 Guardian",
            consent_at=now - dt.timedelta(days=60),
            visit_every_days=every,
            visitor_kind=visitor_kind,
            mentor_id=volunteer.id if kind == "child" else None,
            next_visit_on=local_now().date() - dt.timedelta(days=2),
            created_by_id=staff.id,
        )
        db.session.add(person)
        db.session.flush()
        if visitor_kind == "volunteers":
            db.session.add(CareVisitor(person=person, user_id=volunteer.id))
        if since is not None:
            log_visit(
                person,
                staff,
                found="Well; the home is safe and warm.",
                needs=None,
                follow_up=None,
                now=now - dt.timedelta(days=since),
            )
    queue_overdue(local_now().date())
    db.session.flush()
