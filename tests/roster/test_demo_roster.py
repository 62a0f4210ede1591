"""The demo station's own people (no extra volunteers) staff most of its first roster, with the new
rules on: some demo volunteers give an hours cap, avoid late shifts or name a home grid, and the
demo has experienced volunteers for the new ones to go out with."""

import sqlalchemy as sa

from tipboard.demo import load_demo
from tipboard.extensions import db
from tipboard.patrols.models import VolunteerProfile
from tipboard.roster import build


def test_the_demos_first_roster_staffs_most_patrols(app_ctx):
    load_demo()
    db.session.commit()
    profiles = db.session.scalars(sa.select(VolunteerProfile)).all()
    assert any(p.avoid_late for p in profiles) and any(p.home_grid_id for p in profiles)
    assert any(p.max_hours_per_week for p in profiles)
    week = build.next_week()
    instance, _shifts = build.instance_for_week(week)
    assert any(not p.experienced for p in instance.people) and sum(p.experienced for p in instance.people) > 8
    run = build.build_week(week)
    print(run.staffed, run.wanted, [g.reason for g in run.gaps])
    assert run.wanted >= 28 and run.staffed >= 0.9 * run.wanted
