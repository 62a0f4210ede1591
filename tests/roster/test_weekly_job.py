"""The weekly job runs the patrol loop by itself: it makes the week's shifts from the templates, then
builds the roster, each once, for any week (not only the demo's two)."""

import datetime as dt

import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.demo import load_demo
from tipboard.extensions import db
from tipboard.jobs import JobRun
from tipboard.patrols.models import MemberRole, PatrolPoint, Shift, ShiftTemplate, Team
from tipboard.patrols.teams import add_member
from tipboard.roster import build
from tipboard.roster.models import RosterRun
from tipboard.timezones import local_now


def demo_station(volunteers_per_team=16, leaders_per_team=5):
    """The demo's teams, points and templates, with enough volunteers to staff most patrols."""
    load_demo()
    for team in db.session.scalars(sa.select(Team)).all():
        for i in range(volunteers_per_team):
            role = MemberRole.LEADER if i < leaders_per_team else MemberRole.MEMBER
            add_member(team, UserFactory(name=f"{team.id}-{i}"), role)
    db.session.commit()


def shifts_in(week: dt.date) -> list[Shift]:
    start, end = build._week_bounds(week)
    return db.session.scalars(sa.select(Shift).where(Shift.starts_at >= start, Shift.starts_at < end)).all()


def test_the_job_makes_a_later_weeks_shifts_and_roster_once(app_ctx, runner):
    demo_station()
    today = local_now().date()
    week = build.monday_of(today) + dt.timedelta(weeks=5)  # a month past the demo's two weeks
    templates = db.session.scalars(sa.select(ShiftTemplate).where(ShiftTemplate.active.is_(True))).all()
    expected = sum(len(t.weekdays) for t in templates)
    assert shifts_in(week) == [] and expected >= 20

    result = runner.invoke(args=["roster", "build", "--week", (week + dt.timedelta(days=3)).isoformat()])
    assert result.exit_code == 0, result.output
    assert f"Weekly patrol roster: week of {week.isoformat()}" in result.output
    assert f"Shifts generated: {expected}" in result.output
    assert "Within " in result.output and "% of the best possible coverage" in result.output
    assert "Time taken: " in result.output and " s " in result.output
    made = shifts_in(week)
    assert len(made) == expected
    run = db.session.scalar(sa.select(RosterRun).where(RosterRun.week == week))
    assert run is not None and run.wanted == expected
    assert run.staffed >= 0.75 * expected, result.output  # most patrols staffed
    assert run.state == "draft" and run.gap is not None
    assert f"Patrols staffed: {run.staffed}/{run.wanted}" in result.output

    again = runner.invoke(args=["roster", "build", "--week", week.isoformat()])
    assert again.exit_code == 0 and "Shifts: already made earlier" in again.output
    assert "Roster: already built for this week" in again.output
    assert len(shifts_in(week)) == expected
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterRun)) == 1


def test_the_scheduled_job_needs_no_button(app_ctx, runner):
    """`tipboard run-job roster.build` (what the scheduler calls) builds next week without anyone
    having generated its shifts; a second run does nothing."""
    demo_station()
    week = build.next_week()
    for shift in shifts_in(week):  # as if the demo's two weeks had passed
        db.session.delete(shift)
    db.session.commit()
    result = runner.invoke(args=["tipboard", "run-job", "roster.build"])
    assert result.exit_code == 0, result.output
    made = shifts_in(week)
    assert made and f"{len(made)} shifts made" in result.output
    run = db.session.scalar(sa.select(RosterRun).where(RosterRun.week == week))
    assert run is not None and run.staffed >= 0.75 * run.wanted
    again = runner.invoke(args=["tipboard", "run-job", "roster.build"])
    assert "shifts already made; roster already built" in again.output
    assert len(shifts_in(week)) == len(made)
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(JobRun).where(JobRun.job == "roster.shifts"))
        == 1
    )


def test_changed_templates_show_in_the_next_weeks_shifts(app_ctx):
    demo_station()
    week = build.monday_of(local_now().date()) + dt.timedelta(weeks=6)
    point = db.session.scalars(sa.select(PatrolPoint).order_by(PatrolPoint.id)).first()
    dropped = db.session.scalars(sa.select(ShiftTemplate).where(ShiftTemplate.point_id == point.id)).all()
    for template in dropped:
        template.active = False
    added = ShiftTemplate(
        point_id=point.id,
        title="Morning school run",
        weekdays=[0, 2],
        start_time=dt.time(7),
        end_time=dt.time(9),
        min_volunteers=2,
        max_volunteers=3,
    )
    db.session.add(added)
    db.session.commit()
    made, run = build.run_week(week)
    db.session.commit()
    titles = {s.title for s in shifts_in(week) if s.point_id == point.id}
    assert titles == {"Morning school run"}
    assert len([s for s in made if s.template_id == added.id]) == 2
    assert not {t.id for t in dropped} & {s.template_id for s in made}
    assert run is not None and run.wanted == len(made)
