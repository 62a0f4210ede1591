"""Gaps in a draft: their explanations are true of the people free then, a leader fills one with a
leader and members chosen together (checked as a whole), and a leader of another team is refused."""

import datetime as dt

import sqlalchemy as sa

from tests.roster.test_weekly_build import WEEK, seed_week
from tipboard.extensions import db
from tipboard.roster import build
from tipboard.roster.explain import GapReason, explain
from tipboard.roster.instance import Instance, Person, Slot
from tipboard.roster.models import RosterAssignment, RosterGap, RosterRun
from tipboard.roster.repair import candidates

MONDAY = dt.datetime(2031, 3, 3, 11, tzinfo=dt.UTC)


def _slot(slot_id: int, day: int, min_people: int = 2, leader: bool = True) -> Slot:
    start = MONDAY + dt.timedelta(days=day)
    return Slot(slot_id, 1, start, start + dt.timedelta(hours=2), min_people, 3, leader, 1.0)


def _person(person_id: int, slots, leader: bool = False, max_per_week: int = 2) -> Person:
    return Person(person_id, frozenset({1}), leader, max_per_week, frozenset(slots))


def _week(*people: Person) -> Instance:
    """Three evening patrols, Monday to Wednesday, each needing two people and a leader."""
    return Instance(people=list(people), slots=[_slot(1, 0), _slot(2, 1), _slot(3, 2)])


def test_the_only_leader_at_their_weekly_maximum_is_named_not_everyone():
    # The leader has 2 shifts (their maximum); two volunteers with one shift each were free on Wednesday.
    week = _week(
        _person(10, {1, 2, 3}, leader=True),
        _person(11, {1, 3}),
        _person(12, {2, 3}),
    )
    reasons = explain(week, {1: {10, 11}, 2: {10, 12}})
    assert reasons == {3: GapReason.LEADER_AT_MAX}
    assert [p.id for p in candidates(week, {1: {10, 11}, 2: {10, 12}}, 3)] == [11, 12]


def test_the_only_leader_on_another_shift_that_day():
    week = Instance(
        people=[_person(10, {1, 2}, leader=True), _person(11, {2}), _person(12, {1, 2})],
        slots=[_slot(1, 0), _slot(2, 0)],  # two patrols on Monday
    )
    assert explain(week, {1: {10, 12}}) == {2: GapReason.LEADER_SAME_DAY}


def test_several_busy_leaders_and_busy_members_and_a_free_crew():
    week = _week(
        _person(10, {1, 2, 3}, leader=True),
        _person(13, {1, 2, 3}, leader=True, max_per_week=1),
        _person(11, {1, 2, 3}, max_per_week=1),
        _person(12, {1, 2, 3}, max_per_week=1),
    )
    # Both leaders at their maximum: no single leader to name.
    assert explain(week, {1: {10, 13}, 2: {10, 13, 11}})[3] == GapReason.LEADERS_BUSY
    # Leader 10 has room, but everyone else has had their one shift.
    assert explain(week, {1: {10, 11}, 2: {13, 12}})[3] == GapReason.EVERYONE_BUSY
    # A leader and a member were free: nothing bound, the roster used them elsewhere.
    assert explain(week, {1: {10, 11}})[3] == GapReason.NOT_WORTH_IT


def test_no_leader_free_at_all_and_too_few():
    week = _week(_person(11, {1, 2, 3}), _person(12, {3}), _person(10, {1}, leader=True))
    reasons = explain(week, {})
    assert reasons[2] == GapReason.NO_LEADER
    assert explain(Instance([_person(10, {1}, leader=True)], [_slot(1, 0)]), {}) == {1: GapReason.TOO_FEW}


def _draft_with_a_gap():
    """A built draft whose first patrol was emptied: returns the run, the patrol and its crew."""
    team, people, made = seed_week()
    run = build.build_week(WEEK)
    shift = made[0]
    crew = {a.user_id for a in run.assignments if a.shift_id == shift.id}
    for a in [a for a in run.assignments if a.shift_id == shift.id]:
        run.assignments.remove(a)
    run.gaps.append(RosterGap(shift_id=shift.id, reason=GapReason.NOT_WORTH_IT.value))
    db.session.commit()
    return run.id, shift.id, crew, people


def _assigned(run_id: int, shift_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(RosterAssignment.user_id).where(
                RosterAssignment.run_id == run_id, RosterAssignment.shift_id == shift_id
            )
        )
    )


def test_a_leader_fills_a_gap_with_a_leader_and_members_together(app, app_ctx, login):
    run_id, shift_id, crew, people = _draft_with_a_gap()
    client = login(app.test_client(), people[0])
    page = client.get(f"/roster/{run_id}").data.decode()
    assert 'name="user_id" type="checkbox"' in page or 'type="checkbox" name="user_id"' in page
    assert "leader" in page
    leader = next(p.id for p in people[:2] if p.id in crew)

    # One person alone breaks the 2-3 people rule: refused, with the rule named, nothing saved.
    alone = client.post(
        f"/roster/{run_id}/fill", data={"shift_id": shift_id, "user_id": [leader]}, follow_redirects=True
    )
    assert "would have 1 person from the roster; it needs 2 to 3" in alone.data.decode()
    db.session.expire_all()
    assert _assigned(run_id, shift_id) == set()

    # Nobody chosen: a clear message, not a crash.
    empty = client.post(f"/roster/{run_id}/fill", data={"shift_id": shift_id}, follow_redirects=True)
    assert "Choose the people for this patrol" in empty.data.decode()

    # The crew chosen together: saved in one go, the gap is gone and the figures count it.
    done = client.post(f"/roster/{run_id}/fill", data={"shift_id": shift_id, "user_id": sorted(crew)})
    assert done.status_code == 302
    db.session.expire_all()
    run = db.session.get(RosterRun, run_id)
    assert _assigned(run_id, shift_id) == crew
    assert all(a.edited for a in run.assignments if a.shift_id == shift_id)
    assert shift_id not in {g.shift_id for g in run.gaps} and run.staffed == 3


def test_filling_without_a_leader_is_refused_naming_the_rule(app, app_ctx, login):
    run_id, shift_id, crew, people = _draft_with_a_gap()
    instance, _shifts = build.instance_for_week(WEEK)
    run = db.session.get(RosterRun, run_id)
    members = [p.id for p in candidates(instance, build.assignments_of(run), shift_id) if not p.is_leader]
    assert len(members) >= 2
    client = login(app.test_client(), people[0])
    page = client.post(
        f"/roster/{run_id}/fill",
        data={"shift_id": shift_id, "user_id": members[:2]},
        follow_redirects=True,
    ).data.decode()
    assert "would have no leader on it" in page
    db.session.expire_all()
    assert _assigned(run_id, shift_id) == set()


def test_bad_input_to_the_fill_form_is_a_400(app, app_ctx, login):
    run_id, shift_id, crew, people = _draft_with_a_gap()
    client = login(app.test_client(), people[0])
    assert client.post(f"/roster/{run_id}/fill", data={"user_id": "1"}).status_code == 400
    bad = client.post(f"/roster/{run_id}/fill", data={"shift_id": shift_id, "user_id": "x"})
    assert bad.status_code == 400


def test_the_fill_form_and_the_reasons_are_in_chinese(app, app_ctx, login):
    run_id, shift_id, crew, people = _draft_with_a_gap()
    people[0].locale = "zh_Hans"
    db.session.commit()
    page = login(app.test_client(), people[0]).get(f"/roster/{run_id}").data.decode()
    assert "补齐这次巡逻：一起选择队长和队员" in page and "其中必须有一名队长。" in page
    assert "保存这些人员" in page and "Save these people" not in page
