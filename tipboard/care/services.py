"""The care register's rules: who may see a file, creating it with consent, the plan, visits, the
overdue-visit queue and the ledger. Flush only; the views commit."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tipboard.auth.services import find_by_login
from tipboard.care.models import KIND_LABELS, VISITOR_LABELS, CarePerson, CareVisit, CareVisitor
from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.services import enqueue, item_for, record
from tipboard.permissions import STAFF, SUPERVISORS
from tipboard.timezones import from_local, local_now, to_local

#: The overdue visit's kind in the moderation queue (partners of the file: care.queue).
KIND = "care_visit"
AUDIT_KIND = "care_person"
OVERDUE_LABEL = _l("Care visit overdue")


class CareError(Refusal):
    """A refusal of the care services (messages: care.views.ERRORS)."""


def _answers_for(user) -> sa.Select:
    return sa.select(Grid.id).where(sa.or_(Grid.officer_id == user.id, Grid.deputy_id == user.id))


def can_see(person: CarePerson, user) -> bool:
    """Supervisors; the officer and deputy of the person's grid; the assigned visitors and mentor."""
    if user.has_role(*SUPERVISORS):
        return True
    if (
        user.has_role(*STAFF)
        and person.grid is not None
        and user.id in (person.grid.officer_id, person.grid.deputy_id)
    ):
        return True
    return person.mentor_id == user.id or any(v.user_id == user.id for v in person.visitors)


def can_plan(person: CarePerson, user) -> bool:
    """The plan and the file are changed by supervisors and the grid's officer and deputy."""
    return user.has_role(*SUPERVISORS) or (
        user.has_role(*STAFF)
        and person.grid is not None
        and user.id in (person.grid.officer_id, person.grid.deputy_id)
    )


def visible_people(user) -> list[CarePerson]:
    query = (
        sa.select(CarePerson)
        .where(CarePerson.active.is_(True))
        .order_by(CarePerson.next_visit_on, CarePerson.id)
    )
    if not user.has_role(*SUPERVISORS):
        visiting = sa.select(CareVisitor.person_id).where(CareVisitor.user_id == user.id)
        conditions = [CarePerson.id.in_(visiting), CarePerson.mentor_id == user.id]
        if user.has_role(*STAFF):
            conditions.append(CarePerson.grid_id.in_(_answers_for(user)))
        query = query.where(sa.or_(*conditions))
    return list(db.session.scalars(query))


def audit_view(person: CarePerson, user, what: str = "view") -> None:
    """Every look at a file goes into the one audit trail."""
    record(None, user, what, kind=AUDIT_KIND, subject_id=person.id)


def create_person(actor, data: dict, now: dt.datetime | None = None) -> CarePerson:
    """A new file, with the consent of the person (or their guardian) recorded."""
    now = now or utcnow()
    if data["kind"] not in {k.value for k in KIND_LABELS}:
        raise CareError("bad_kind")
    grid = db.session.get(Grid, data["grid_id"]) if data.get("grid_id") else None
    if grid is None:
        raise CareError("no_grid")
    if not actor.has_role(*SUPERVISORS) and actor.id not in (grid.officer_id, grid.deputy_id):
        raise CareError("not_your_grid")
    if not data.get("consent") or not (data.get("consent_by") or "").strip():
        raise CareError("no_consent")
    person = CarePerson(
        name=data["name"].strip(),
        kind=data["kind"],
        grid_id=grid.id,
        address=(data.get("address") or "").strip() or None,
        phone=(data.get("phone") or "").strip() or None,
        guardian=(data.get("guardian") or "").strip() or None,
        needs=(data.get("needs") or "").strip() or None,
        consent_by=data["consent_by"].strip(),
        consent_at=now,
        visit_every_days=data.get("visit_every_days") or 30,
        next_visit_on=local_now().date(),
        created_by_id=actor.id,
    )
    db.session.add(person)
    db.session.flush()
    record(
        None, actor, "create", kind=AUDIT_KIND, subject_id=person.id, after={"consent_by": person.consent_by}
    )
    return person


def set_plan(
    person: CarePerson, actor, *, every_days: int, visitor_kind: str, mentor_login: str | None
) -> None:
    if not can_plan(person, actor):
        raise CareError("not_your_grid")
    if visitor_kind not in {k.value for k in VISITOR_LABELS}:
        raise CareError("bad_visitor_kind")
    mentor_id = None
    if (mentor_login or "").strip():
        mentor = find_by_login(mentor_login)
        if mentor is None or not mentor.active:
            raise CareError("no_account")
        mentor_id = mentor.id
    before = {"every": person.visit_every_days, "visitor": person.visitor_kind, "mentor_id": person.mentor_id}
    person.visit_every_days, person.visitor_kind, person.mentor_id = every_days, visitor_kind, mentor_id
    last = person.visits[0].visited_at if person.visits else None
    if last is not None:
        person.next_visit_on = (last + dt.timedelta(days=every_days)).date()
    db.session.flush()
    record(
        None,
        actor,
        "plan",
        kind=AUDIT_KIND,
        subject_id=person.id,
        before=before,
        after={"every": every_days, "visitor": visitor_kind, "mentor_id": mentor_id},
    )


def add_visitor(person: CarePerson, actor, login: str) -> CareVisitor:
    if not can_plan(person, actor):
        raise CareError("not_your_grid")
    user = find_by_login(login)
    if user is None or not user.active:
        raise CareError("no_account")
    if any(v.user_id == user.id for v in person.visitors):
        raise CareError("already_visitor")
    visitor = CareVisitor(person=person, user_id=user.id)
    db.session.add(visitor)
    db.session.flush()
    record(None, actor, "add_visitor", kind=AUDIT_KIND, subject_id=person.id, after={"user_id": user.id})
    return visitor


def log_visit(
    person: CarePerson,
    visitor,
    *,
    found: str,
    needs: str | None,
    follow_up: str | None,
    now: dt.datetime | None = None,
) -> CareVisit:
    """A visit moves the next one on by the plan's frequency and closes an overdue item."""
    now = now or utcnow()
    if not can_see(person, visitor):
        raise CareError("not_visible")
    found = (found or "").strip()
    if not found:
        raise CareError("empty_visit")
    visit = CareVisit(
        person=person,
        visitor_id=visitor.id,
        visited_at=now,
        found=found,
        needs=(needs or "").strip() or None,
        follow_up=(follow_up or "").strip() or None,
    )
    db.session.add(visit)
    person.next_visit_on = to_local(now).date() + dt.timedelta(days=person.visit_every_days)
    db.session.flush()
    item = item_for(KIND, person.id)
    if item is not None and item.status != ItemStatus.CLOSED.value:
        item.status, item.closed_at = ItemStatus.CLOSED.value, now
        record(item, visitor, "visited", after={"next_visit_on": person.next_visit_on.isoformat()})
    return visit


def queue_overdue(today: dt.date) -> int:
    """Put every person whose visit is overdue in the queue (once while it stays overdue)."""
    people = db.session.scalars(
        sa.select(CarePerson).where(CarePerson.active.is_(True), CarePerson.next_visit_on < today)
    ).all()
    count = 0
    for person in people:
        item = item_for(KIND, person.id)
        if item is not None and item.status != ItemStatus.CLOSED.value:
            continue
        enqueue(
            KIND,
            person.id,
            subject=person,
            grid_id=person.grid_id,
            due_at=from_local(dt.datetime.combine(person.next_visit_on, dt.time(23, 59))),
            assignee_id=person.grid.officer_id if person.grid else None,
        )
        count += 1
    return count


def ledger(user, first: dt.date, last: dt.date) -> list[CareVisit]:
    """The visits of the people ``user`` may see, between two station days (工作台账)."""
    ids = [p.id for p in visible_people(user)]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(CareVisit)
            .where(
                CareVisit.person_id.in_(ids),
                CareVisit.visited_at >= from_local(dt.datetime.combine(first, dt.time())),
                CareVisit.visited_at
                < from_local(dt.datetime.combine(last + dt.timedelta(days=1), dt.time())),
            )
            .order_by(CareVisit.visited_at)
        )
    )
