import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.moderation import registry, services
from tipboard.moderation.models import AuditEntry, AuditIsAppendOnly, ItemStatus
from tipboard.moderation.registry import ActionOutcome, QueueAction, QueueKind, register_kind
from tipboard.permissions import STAFF, Role
from tipboard.tips.models import Tip, TipStatus


def act(client, item, action, **data):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(f"/moderation/item/{item.id}/act/{action}", data=payload)


def test_submitted_tip_enters_the_queue_with_its_service_level(submitted, app_ctx):
    category = CategoryFactory(response_hours=4, is_hazard=True)
    tip, item = submitted(category=category)
    assert item.status == ItemStatus.OPEN.value and item.category_id == category.id
    assert item.due_at == tip.created_at + dt.timedelta(hours=4)
    assert item.priority >= 10


def test_staff_verify_assign_resolve_through_the_pages(client, submitted, users, login):
    tip, item = submitted()
    login(client, users["staff"])
    page = client.get(f"/moderation/item/{item.id}")
    assert page.status_code == 200 and b"Cables across the stairwell" in page.data
    assert act(client, item, "verify", note="Checked on site.").status_code == 302
    db.session.refresh(tip)
    assert tip.status == TipStatus.VERIFIED.value and tip.first_response_at is not None
    grid = GridFactory()
    assert act(client, item, "assign", assignee=str(users["staff"].id), grid=str(grid.id)).status_code == 302
    db.session.refresh(tip)
    assert tip.status == TipStatus.ASSIGNED.value and tip.assignee_id == users["staff"].id
    assert tip.grid_id == grid.id
    act(client, item, "start")
    act(client, item, "resolve", note="Wires re-hung by the power company.")
    db.session.refresh(tip), db.session.refresh(item)
    assert tip.status == TipStatus.RESOLVED.value and item.status == ItemStatus.CLOSED.value
    actions = [e.action for e in services.audit_trail("tip", tip.id)]
    assert actions == ["enqueue", "verify", "assign", "start", "resolve"]
    # The resolution note is public.
    assert b"Wires re-hung" in client.get("/tips/public").data


def test_illegal_action_is_refused_with_a_message(client, submitted, users, login):
    tip, item = submitted()
    login(client, users["staff"])
    response = act(client, item, "resolve", note="too early")
    assert response.status_code == 302
    db.session.refresh(tip)
    assert tip.status == TipStatus.NEW.value
    assert (
        b"not possible for this item in its current state" in client.get(f"/moderation/item/{item.id}").data
    )
    assert [e.action for e in services.audit_trail("tip", tip.id)] == ["enqueue"]


def test_resolve_needs_a_note_and_reject_takes_a_reason(client, submitted, users, login):
    tip, item = submitted()
    login(client, users["staff"])
    act(client, item, "verify")
    act(client, item, "resolve", note="")
    db.session.refresh(tip)
    assert tip.status == TipStatus.VERIFIED.value
    act(client, item, "reject", reason="not_found", detail="Nothing there on Tuesday.")
    db.session.refresh(tip)
    assert tip.status == TipStatus.REJECTED.value
    [entry] = [e for e in services.audit_trail("tip", tip.id) if e.action == "reject"]
    assert entry.reason.startswith("not_found") and entry.before["status"] == "verified"


def test_ask_then_answer_puts_the_item_back(client, app, submitted, users, login):
    tip, item = submitted()
    staff_client = app.test_client()
    login(staff_client, users["staff"])
    act(staff_client, item, "ask", question="Which building exactly?")
    db.session.refresh(item)
    assert item.status == ItemStatus.WAITING.value
    client.post(f"/tips/track/{tip.tracking_code}/message", data={"body": "Building 7"})
    db.session.refresh(item), db.session.refresh(tip)
    assert item.status == ItemStatus.OPEN.value and tip.status == TipStatus.NEW.value


def test_duplicate_links_and_tells_the_reporter(client, app, submitted, users, login):
    original, _ = submitted(description="First report")
    tip, item = submitted(description="Second report")
    staff_client = app.test_client()
    login(staff_client, users["staff"])
    act(staff_client, item, "duplicate", original=tip.tracking_code)  # itself: refused
    db.session.refresh(tip)
    assert tip.status == TipStatus.NEW.value
    act(staff_client, item, "duplicate", original=original.tracking_code.lower())
    db.session.refresh(tip)
    assert tip.status == TipStatus.DUPLICATE.value and tip.duplicate_of_id == original.id
    page = client.get(f"/tips/track/{tip.tracking_code}").data
    assert b"Someone reported the same matter earlier" in page


def test_claims_block_others_and_expire(app, client, submitted, users, login):
    tip, item = submitted()
    other_staff = UserFactory(roles=(Role.STAFF,), name="Officer Wu")
    login(client, users["staff"])
    client.post(f"/moderation/item/{item.id}/claim")
    db.session.refresh(item)
    assert item.claimed_by_id == users["staff"].id
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(other, other_staff)
    act(other, item, "verify")
    db.session.refresh(tip)
    assert tip.status == TipStatus.NEW.value  # refused: claimed by someone else
    assert not services.claim(item.id, other_staff)
    item.claimed_until = utcnow() - dt.timedelta(seconds=1)  # the claim expired
    db.session.commit()
    assert services.claim(item.id, other_staff)


def test_an_expired_claim_no_longer_shows_as_being_worked_on(client, submitted, users, login):
    tip, item = submitted(description="claimed a while ago")
    login(client, users["staff"])
    client.post(f"/moderation/item/{item.id}/claim")
    db.session.refresh(item)
    assert "being worked on" in client.get("/moderation/").data.decode()
    assert "You are working on this item" in client.get(f"/moderation/item/{item.id}").data.decode()
    item.claimed_until = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert "being worked on" not in client.get("/moderation/").data.decode()
    page = client.get(f"/moderation/item/{item.id}").data.decode()
    assert "You are working on this item" not in page and "Work on this" in page


def test_two_staff_claim_at_once_one_wins(fresh_app):
    with fresh_app.app_context():
        staff = [UserFactory(roles=(Role.STAFF,)) for _ in range(2)]
        tip = TipFactory()
        item = services.enqueue("tip", tip.id)
        db.session.commit()
        staff_ids, item_id = [u.id for u in staff], item.id
    barrier = threading.Barrier(2, timeout=30)
    results = []

    def worker(user_id):
        from tipboard.auth.models import User

        barrier.wait()  # both start together; the database decides who wins
        with fresh_app.app_context():
            won = services.claim(item_id, db.session.get(User, user_id))
            db.session.commit()
            results.append(won)

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in staff_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    with fresh_app.app_context():
        claims = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "claim")).all()
        assert len(claims) == 1


def test_audit_rows_cannot_change(app_ctx):
    tip = TipFactory()
    services.enqueue("tip", tip.id)
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    entry.reason = "rewritten"
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_audit_updates_and_deletes(fresh_app):
    with fresh_app.app_context():
        tip = TipFactory()
        services.enqueue("tip", tip.id)
        db.session.commit()
        for statement in ("UPDATE audit_entry SET reason = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(Exception, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_filters_counts_and_keyset_pagination(client, app_ctx, users, login):
    hazard, other = CategoryFactory(is_hazard=True), CategoryFactory(is_hazard=False)
    grid = GridFactory()
    for i in range(30):
        tip = TipFactory(
            category=hazard if i % 3 else other,
            grid_id=grid.id if i % 2 else None,
            description=f"queue tip {i:02d}",
        )
        from tipboard.tips.workflow import enqueue_tip

        enqueue_tip(tip)
    db.session.commit()
    login(client, users["staff"])
    first = client.get("/moderation/").data.decode()
    assert first.count('name="item"') == 25 and "Next page" in first
    import re

    cursor = re.search(r"after=([^\"&]+)", first).group(1)
    second = client.get(f"/moderation/?after={cursor}").data.decode()
    assert second.count('name="item"') == 5
    ids_first = set(re.findall(r'name="item" value="(\d+)"', first))
    ids_second = set(re.findall(r'name="item" value="(\d+)"', second))
    assert not ids_first & ids_second
    filtered = client.get(f"/moderation/?category={other.id}").data.decode()
    assert filtered.count('name="item"') == 10
    assert f"({10})" in filtered  # the count beside the category filter
    by_grid = client.get(f"/moderation/?grid={grid.id}").data.decode()
    assert by_grid.count('name="item"') == 15


def test_a_new_item_or_a_grid_renamed_by_an_admin_shows_in_the_filters_on_the_next_page(
    client, app_ctx, users, login
):
    import re

    from tipboard.admin.services import GRID_FIELDS, save_grid
    from tipboard.tips.workflow import enqueue_tip

    grid = GridFactory(name_en="Riverside")
    enqueue_tip(TipFactory(grid_id=grid.id, description="by the river"))
    db.session.commit()
    login(client, users["staff"])

    def grid_filter() -> str:
        page = client.get("/moderation/", headers={"Accept-Language": "en"}).data.decode()
        return re.search(r'<select id="f-grid".*?</select>', page, re.S).group(0)

    assert "Riverside (1)" in grid_filter() and grid_filter() == grid_filter()
    enqueue_tip(TipFactory(grid_id=grid.id, description="by the bridge"))
    db.session.commit()
    assert "Riverside (2)" in grid_filter()
    save_grid(grid, {**{name: getattr(grid, name) for name in GRID_FIELDS}, "name_en": "Riverside Village"})
    db.session.commit()
    assert "Riverside Village (2)" in grid_filter()


def test_overdue_is_marked_and_filtered(client, app_ctx, users, login):
    from tipboard.tips.workflow import enqueue_tip

    category = CategoryFactory(response_hours=1)
    late = TipFactory(category=category, description="late one")
    late.created_at = utcnow() - dt.timedelta(hours=3)
    enqueue_tip(late)
    enqueue_tip(TipFactory(category=category, description="fresh one"))
    db.session.commit()
    login(client, users["staff"])
    page = client.get("/moderation/?overdue=1").data.decode()
    assert "late one" in page and "fresh one" not in page and "Overdue" in page
    assert ">1<" in client.get("/moderation/overview").data.decode().replace("</a>", "<")


def test_bulk_reject_as_spam(client, app_ctx, users, login):
    from tipboard.tips.workflow import enqueue_tip

    tips = [TipFactory(description=f"spam {i}") for i in range(3)]
    items = [enqueue_tip(t) or services.item_for("tip", t.id) for t in tips]
    db.session.commit()
    login(client, users["staff"])
    response = client.post(
        "/moderation/bulk",
        data={
            "item": [str(i.id) for i in items[:2]],
            "bulk_action": "tip:reject",
            "bulk-reason": "spam",
            "bulk-detail": "Advertising",
        },
    )
    assert response.status_code == 302
    statuses = [db.session.get(Tip, t.id).status for t in tips]
    assert statuses == ["rejected", "rejected", "new"]
    rejects = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reject")).all()
    assert len(rejects) == 2 and all("Advertising" in r.reason for r in rejects)


def test_residents_and_volunteers_are_refused_every_moderation_route(client, users, login, app_ctx):
    tip = TipFactory()
    item = services.enqueue("tip", tip.id)
    db.session.commit()
    for role in ("resident", "volunteer"):
        login(client, users[role])
        for path in (
            "/moderation/",
            f"/moderation/item/{item.id}",
            "/moderation/overview",
            "/moderation/templates",
        ):
            assert client.get(path).status_code == 403, (role, path)
        for path in (
            f"/moderation/item/{item.id}/claim",
            f"/moderation/item/{item.id}/act/verify",
            "/moderation/bulk",
        ):
            assert client.post(path).status_code == 403, (role, path)
    db.session.refresh(tip)
    assert tip.status == "new"
    # A leader sees the queue, but not tips (their kind is for staff).
    login(client, users["leader"])
    assert client.get("/moderation/").status_code == 200
    assert client.get(f"/moderation/item/{item.id}").status_code == 403


class Thing:
    def __init__(self, thing_id):
        self.id, self.state = thing_id, "pending"


THINGS: dict[int, Thing] = {}


def test_a_second_kind_works_through_the_same_queue(client, app_ctx, users, login):
    """A kind registered by a test: the queue pages and services need no change for it."""

    def approve(ctx):
        before = {"state": ctx.subject.state}
        ctx.subject.state = "approved"
        return ActionOutcome(item_status="closed", before=before, after={"state": "approved"})

    register_kind(
        QueueKind(
            name="thing",
            label=_l("Thing"),
            load=THINGS.get,
            template="moderation/kinds/tip.html",
            view_roles=STAFF,
            summary=lambda t: f"thing {t.id}",
            actions=[QueueAction(name="approve", label=_l("Approve"), handler=approve, roles=STAFF)],
        )
    )
    try:
        THINGS[7] = Thing(7)
        item = services.enqueue("thing", 7, summary="a thing to approve")
        db.session.commit()
        login(client, users["staff"])
        assert b"thing 7" in client.get("/moderation/?kind=thing").data  # the line read from the subject
        response = client.post(f"/moderation/item/{item.id}/act/approve")
        assert response.status_code == 302
        db.session.refresh(item)
        assert THINGS[7].state == "approved" and item.status == "closed"
        assert [e.action for e in services.audit_trail("thing", 7)] == ["enqueue", "approve"]
    finally:
        registry._KINDS.pop("thing", None)  # the test's own kind leaves the registry
        THINGS.clear()


def test_counts_in_one_scan_agree_with_one_query_per_dimension(app_ctx):
    """counts_in_one_scan (PostgreSQL's way) folds one grouped scan in Python with
    QueueFilter.matches; counts_per_dimension (SQLite's way) asks SQL with QueueFilter.conditions.
    They agree for every combination of the filters and of team scopes, on both databases."""
    import collections
    import itertools
    import random

    from tipboard.moderation import listing
    from tipboard.moderation.models import QueueItem

    rng = random.Random(3)
    categories = [CategoryFactory() for _ in range(3)]
    grids = [GridFactory() for _ in range(2)]
    officers = [UserFactory(roles=(Role.STAFF,)) for _ in range(2)]
    now = utcnow()
    teams = [801, 802]
    for i in range(160):
        kind = rng.choice(["tip", "reward", "nomination", "team_application", "swap_request"])
        db.session.add(
            QueueItem(
                kind=kind,
                subject_id=10_000 + i,
                team_id=rng.choice([None, *teams]) if kind in ("team_application", "swap_request") else None,
                status=rng.choice(["open", "open", "waiting", "closed"]),
                summary=f"item {i}",
                category_id=rng.choice([None, *(c.id for c in categories)]),
                grid_id=rng.choice([None, *(g.id for g in grids)]),
                assignee_id=rng.choice([None, *(u.id for u in officers)]),
                due_at=rng.choice([None, now - dt.timedelta(hours=2), now + dt.timedelta(hours=2)]),
            )
        )
    db.session.flush()
    rows = [
        {
            "id": i.id,
            "kind": i.kind,
            "status": i.status,
            "category_id": i.category_id,
            "grid_id": i.grid_id,
            "assignee_id": i.assignee_id,
            "team_id": i.team_id,
            "overdue": i.is_overdue(now),
        }
        for i in db.session.scalars(sa.select(QueueItem))
    ]

    scopes = [
        (),  # staff: every team
        (("swap_request", (teams[0],)), ("team_application", (teams[0],))),  # a leader of one team
        (("team_application", tuple(teams)),),  # swaps seen whole, applications of both teams
        (("swap_request", ()), ("team_application", ())),
    ]  # a leader of no team
    checked = 0
    for kind, status, category, grid, assignee, overdue, scope in itertools.product(
        [None, "reward", "team_application"],
        ["open", "closed", "all"],
        [None, categories[0].id],
        [None, grids[1].id],
        [None, officers[0].id],
        [False, True],
        scopes,
    ):
        flt = listing.QueueFilter(
            kinds=("tip", "reward", "team_application", "swap_request"),
            kind=kind,
            status=status,
            category_id=category,
            grid_id=grid,
            assignee_id=assignee,
            overdue=overdue,
            scopes=scope,
        )
        assert {i.id for i in _all_pages(listing, flt, now)} == {r["id"] for r in rows if _matches(flt, r)}, (
            flt
        )
        found = listing.counts(flt, now)
        for name, column in listing.FACETS:
            expected = collections.Counter(r[column] for r in rows if _matches(flt, r, skip=name))
            assert found[name] == dict(expected), (flt, name)
        assert found["overdue"] == sum(1 for r in rows if r["overdue"] and _matches(flt, r, skip="overdue"))
        checked += 1
    assert checked == 576


def test_audit_trail_speaks_words_not_codes(client, submitted, users, login):
    tip, item = submitted()
    login(client, users["staff"])
    assert act(client, item, "verify", note="Checked on site.").status_code == 302
    page = client.get(f"/moderation/item/{item.id}").data.decode()
    trail = page[page.index("Audit trail") :]
    assert "entered the queue" in trail and "Verify and publish" in trail
    assert "status: new → verified" in trail
    assert "<strong>verify</strong>" not in trail and "{&#34;" not in trail and '{"status"' not in trail
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.get(f"/moderation/item/{item.id}").data.decode()
    assert "<strong>enqueue</strong>" not in page and "<strong>verify</strong>" not in page


def test_odd_item_numbers_in_a_bulk_action_are_ignored_not_a_500(client, app_ctx, users, login):
    login(client, users["staff"])
    response = client.post(
        "/moderation/bulk", data={"item": ["²", "99999999999999999999", "-1"], "bulk_action": "tip:reject"}
    )
    assert response.status_code == 302
    assert client.get("/tips/new?category=²&lat=north").status_code == 200


def _matches(flt, row: dict, skip: str | None = None) -> bool:
    """The queue filter's meaning, written out for one row: what moderation.listing puts in SQL."""
    teams = dict(flt.scopes).get(row["kind"])
    return (
        row["kind"] in flt.kinds
        and (teams is None or row["team_id"] in teams)
        and (not flt.kind or skip == "kind" or row["kind"] == flt.kind)
        and (flt.status == "all" or skip == "status" or row["status"] == flt.status)
        and (not flt.category_id or skip == "category" or row["category_id"] == flt.category_id)
        and (not flt.grid_id or skip == "grid" or row["grid_id"] == flt.grid_id)
        and (not flt.assignee_id or skip == "assignee" or row["assignee_id"] == flt.assignee_id)
        and (not flt.overdue or skip == "overdue" or row["overdue"])
    )


def _all_pages(listing, flt, now) -> list:
    items, cursor = listing.page(flt, limit=7, now=now)
    while cursor:
        more, cursor = listing.page(flt, cursor, limit=7, now=now)
        items += more
    return items
