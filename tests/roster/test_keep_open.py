"""A leader keeps a gap open on purpose: it leaves the "to fill" list and the publish notices, keeps
its reason, survives a rebuild, and can be undone; only on a draft, only for their own teams."""

import pytest
import sqlalchemy as sa

from tests.factories import GridFactory, UserFactory
from tests.roster.test_weekly_build import WEEK, seed_week
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.patrols.models import MemberRole, Team
from tipboard.patrols.teams import add_member
from tipboard.roster import build, gaps
from tipboard.roster.models import RosterGap


@pytest.fixture
def draft(app_ctx):
    # One leader (two shifts a week at most) for three patrols that each need one: one gap.
    team, people, made = seed_week(n_volunteers=6, leaders=1)
    run = build.build_week(WEEK)
    db.session.commit()
    assert len(run.gaps) == 1
    return run, people


def _notices(key="roster.gaps_open"):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.key == key)).all()


def test_kept_open_leaves_the_list_to_fill_and_comes_back_on_undo(app, draft, login):
    run, people = draft
    gap = run.gaps[0]
    client = login(app.test_client(), people[0])
    page = client.get(f"/roster/{run.id}").get_data(as_text=True)
    assert f'id="gap-{gap.id}"' in page and f'id="kept-{gap.id}"' not in page
    response = client.post(f"/roster/{run.id}/keep-open", data={"gap_id": gap.id, "reason": "Market closed"})
    assert response.status_code == 302
    page = client.get(f"/roster/{run.id}").get_data(as_text=True)
    assert f'id="gap-{gap.id}"' not in page and f'id="kept-{gap.id}"' in page and "Market closed" in page
    db.session.expire_all()
    kept = db.session.get(RosterGap, gap.id)
    assert kept.kept_open and kept.kept_by_id == people[0].id and kept.kept_reason == "Market closed"
    assert client.post(f"/roster/{run.id}/reopen", data={"gap_id": gap.id}).status_code == 302
    page = client.get(f"/roster/{run.id}").get_data(as_text=True)
    assert f'id="gap-{gap.id}"' in page and f'id="kept-{gap.id}"' not in page
    db.session.expire_all()
    assert not db.session.get(RosterGap, gap.id).kept_open


def test_a_gap_kept_open_sends_no_notice_when_published(draft, users):
    run, people = draft
    gaps.keep_open(run, run.gaps[0].id, None, people[0])
    build.publish(run, users["staff"])
    db.session.commit()
    assert _notices() == []


def test_a_gap_to_fill_tells_its_leader_once_when_published(draft, users):
    run, people = draft
    build.publish(run, users["staff"])
    db.session.commit()
    notices = _notices()
    assert [n.user_id for n in notices] == [people[0].id] and notices[0].params["count"] == 1


def test_a_rebuild_keeps_the_gap_kept_open(draft, users):
    run, people = draft
    gaps.keep_open(run, run.gaps[0].id, "No need that day", people[0])
    new = build.rebuild_draft(run, users["staff"])
    db.session.commit()
    assert len(new.gaps) == 1 and new.gaps[0].kept_open and new.gaps[0].kept_reason == "No need that day"


def test_only_a_draft_can_keep_a_gap_open(draft, users):
    run, people = draft
    build.publish(run, users["staff"])
    with pytest.raises(build.RosterError) as refused:
        gaps.keep_open(run, run.gaps[0].id, None, people[0])
    assert refused.value.code == "not_draft"


def test_a_leader_of_another_team_cannot_keep_it_open(app, draft, login):
    run, _people = draft
    other = Team(name_en="Elsewhere", grids=[GridFactory()])
    db.session.add(other)
    outsider = UserFactory(name="Other leader")
    add_member(other, outsider, MemberRole.LEADER)
    db.session.commit()
    client = login(app.test_client(), outsider)
    gap_id = run.gaps[0].id
    assert client.post(f"/roster/{run.id}/keep-open", data={"gap_id": gap_id}).status_code == 403
    assert client.post(f"/roster/{run.id}/reopen", data={"gap_id": gap_id}).status_code == 403
    db.session.expire_all()
    assert not db.session.get(RosterGap, gap_id).kept_open


def test_a_volunteer_is_refused(app, draft, login):
    run, people = draft
    client = login(app.test_client(), UserFactory(name="Just a volunteer"))
    assert client.post(f"/roster/{run.id}/keep-open", data={"gap_id": run.gaps[0].id}).status_code == 403


def test_junk_gap_ids_are_a_400_or_404(app, draft, login):
    run, people = draft
    client = login(app.test_client(), people[0])
    assert client.post(f"/roster/{run.id}/keep-open", data={"gap_id": "x"}).status_code == 400
    assert client.post(f"/roster/{run.id}/keep-open", data={"gap_id": 999999}).status_code == 404
    assert (
        client.post(
            f"/roster/{run.id}/keep-open", data={"gap_id": run.gaps[0].id, "reason": "x" * 201}
        ).status_code
        == 400
    )
