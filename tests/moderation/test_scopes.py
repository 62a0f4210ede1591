"""Team leaders see only their teams' items in the queue: the rule is in the SQL of the page and of
the counts beside the filters (QueueKind.scope), not a filter applied to a page already fetched."""

import datetime as dt
import re

import pytest

from tests.factories import UserFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation import listing, services
from tipboard.moderation.listing import PAGE_SIZE, QueueFilter
from tipboard.patrols.models import MemberRole, Team
from tipboard.patrols.teams import add_member
from tipboard.permissions import Role


@pytest.fixture
def two_teams(app_ctx):
    """Team A with 30 applications in the queue; team B with 40, all ahead of A's in queue order
    (higher priority, though newer) and each with an assignee whose name A's leader must not see."""
    team_a, team_b = Team(name_en="Team Alpha"), Team(name_en="Team Bravo")
    db.session.add_all([team_a, team_b])
    db.session.flush()
    leader_a, leader_b = UserFactory(name="Leader Alpha"), UserFactory(name="Leader Bravo")
    add_member(team_a, leader_a, MemberRole.LEADER)
    add_member(team_b, leader_b, MemberRole.LEADER)
    secret = UserFactory(name="Bravo Assignee Secret", roles=(Role.STAFF,))
    start = utcnow() - dt.timedelta(days=1)
    items = {"a": [], "b": []}
    for i in range(30):
        item = services.enqueue(
            "team_application", 900_000 + i, summary=f"alpha applicant {i}", team_id=team_a.id
        )
        item.created_at = start + dt.timedelta(minutes=i)
        items["a"].append(item)
    for i in range(40):
        item = services.enqueue(
            "swap_request" if i % 2 else "team_application",
            910_000 + i,
            priority=1,
            summary=f"bravo applicant {i}",
            team_id=team_b.id,
            assignee_id=secret.id,
        )
        item.created_at = start + dt.timedelta(hours=1, minutes=i)
        items["b"].append(item)
    db.session.commit()
    return {
        "team_a": team_a,
        "team_b": team_b,
        "leader_a": leader_a,
        "leader_b": leader_b,
        "secret": secret,
        "items": items,
    }


def listed_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="item" value="(\d+)"', html)]


def next_link(html: str) -> str | None:
    found = re.search(r'href="(/moderation/\?after=[^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_leader_gets_full_pages_of_their_own_teams_items(client, two_teams, login):
    own = {i.id for i in two_teams["items"]["a"]}
    login(client, two_teams["leader_a"])
    first = client.get("/moderation/").data.decode()
    assert len(listed_ids(first)) == PAGE_SIZE and set(listed_ids(first)) <= own
    second = client.get(next_link(first)).data.decode()
    assert len(listed_ids(second)) == 30 - PAGE_SIZE and set(listed_ids(second)) <= own
    assert next_link(second) is None
    for html in (first, second):
        assert "bravo applicant" not in html and "Bravo Assignee Secret" not in html
        assert "Shift swap (" not in html  # team B's swaps are not counted either
    assert "Team application (30)" in first and "Open (30)" in first


def test_counts_and_assignees_hold_only_the_leaders_teams(app_ctx, two_teams):
    flt = QueueFilter.for_user(two_teams["leader_a"])
    assert flt.scopes == (
        ("swap_request", (two_teams["team_a"].id,)),
        ("team_application", (two_teams["team_a"].id,)),
    )
    counts = listing.counts(flt)
    assert counts["kind"] == {"team_application": 30} and counts["status"] == {"open": 30}
    assert counts["assignee"] == {None: 30}
    assignee_filter = QueueFilter.for_user(two_teams["leader_a"], assignee_id=two_teams["secret"].id)
    assert listing.page(assignee_filter)[0] == []
    assert listing.counts(assignee_filter)["kind"] == {}


def test_staff_still_see_every_team(client, two_teams, users, login):
    flt = QueueFilter.for_user(users["staff"])
    assert flt.scopes == () and {"team_application", "swap_request", "tip"} <= set(flt.kinds)
    assert listing.counts(flt)["kind"] == {"team_application": 50, "swap_request": 20}
    login(client, users["staff"])
    page = client.get("/moderation/").data.decode()
    assert len(listed_ids(page)) == PAGE_SIZE and "Bravo Assignee Secret" in page
    assert set(listed_ids(page)) <= {i.id for i in two_teams["items"]["b"]}  # B's come first in order


def test_a_leader_of_no_team_sees_nothing(client, two_teams, login):
    lonely = UserFactory(roles=(Role.LEADER,))
    db.session.commit()
    assert QueueFilter.for_user(lonely).scopes == (("swap_request", ()), ("team_application", ()))
    login(client, lonely)
    page = client.get("/moderation/").data.decode()
    assert listed_ids(page) == [] and "Team application (" not in page and "Open (" not in page


def test_counts_are_kept_apart_per_scope(client, two_teams, login):
    """Leader B after leader A gets B's counts, not A's."""
    login(client, two_teams["leader_a"])
    assert "Team application (30)" in client.get("/moderation/").data.decode()
    login(client, two_teams["leader_b"])
    page = client.get("/moderation/").data.decode()
    assert "Team application (20)" in page and "Shift swap (20)" in page and "alpha applicant" not in page
    flt_a, flt_b = (QueueFilter.for_user(two_teams[k]) for k in ("leader_a", "leader_b"))
    assert listing.counts(flt_a)["kind"] == {"team_application": 30}
    assert listing.counts(flt_b)["kind"] == {"team_application": 20, "swap_request": 20}


def test_a_leaders_teams_are_asked_once_for_all_team_kinds(two_teams):
    from tests.sqlcount import statements

    with statements() as sent:
        flt = QueueFilter.for_user(two_teams["leader_b"])
    team = two_teams["team_b"].id
    assert flt.scopes == (("swap_request", (team,)), ("team_application", (team,)))
    assert len([s for s in sent if "team_member" in s]) == 1
