"""The care register: restricted files, consent, every view audited, visits, overdue visits in the
queue once per day, and the ledger."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from flask import g
from pypdf import PdfReader

from tests.factories import GridFactory, UserFactory
from tipboard.care import services
from tipboard.care.models import CarePerson, CareVisit
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.jobs import JOBS
from tipboard.moderation.models import AuditEntry, ItemStatus
from tipboard.moderation.services import item_for
from tipboard.permissions import Role
from tipboard.timezones import local_now


@pytest.fixture
def care(app_ctx):
    officer = UserFactory(roles=(Role.STAFF,))
    other_officer = UserFactory(roles=(Role.STAFF,))
    grid = GridFactory(officer_id=officer.id)
    GridFactory(officer_id=other_officer.id)
    volunteer = UserFactory(roles=(Role.VOLUNTEER,))
    person = services.create_person(
        officer,
        {
            "name": "Granny Test",
            "kind": "elderly_alone",
            "grid_id": grid.id,
            "consent": True,
            "consent_by": "Granny Test",
            "visit_every_days": 14,
        },
    )
    return {
        "officer": officer,
        "other": other_officer,
        "grid": grid,
        "volunteer": volunteer,
        "person": person,
    }


def test_an_officer_creates_a_file_with_consent_only_in_their_grid(client, login, care):
    login(client, care["officer"])
    data = {
        "name": "Xiaoming",
        "kind": "child",
        "grid_id": str(care["grid"].id),
        "visit_every_days": "14",
        "consent_by": "Grandmother Li",
    }
    refused = client.post("/care/new", data=data)  # consent not ticked
    assert refused.status_code == 400
    assert client.post("/care/new", data={**data, "consent": "y"}).status_code == 302
    child = db.session.scalar(sa.select(CarePerson).where(CarePerson.name == "Xiaoming"))
    assert child.consent_by == "Grandmother Li" and child.consent_at is not None
    login(client, care["other"])
    assert client.post("/care/new", data={**data, "name": "Elsewhere", "consent": "y"}).status_code == 400
    assert db.session.scalar(sa.select(CarePerson.id).where(CarePerson.name == "Elsewhere")) is None


def test_only_the_grids_officers_visitors_and_supervisors_see_a_file_and_each_view_is_audited(
    client, login, care
):
    person = care["person"]
    login(client, care["other"])
    assert client.get(f"/care/{person.id}").status_code == 404
    assert "Granny Test" not in client.get("/care/").data.decode()
    login(client, care["volunteer"])
    assert client.get(f"/care/{person.id}").status_code == 404
    services.add_visitor(person, care["officer"], care["volunteer"].email)
    db.session.commit()
    assert client.get(f"/care/{person.id}").status_code == 200
    assert (
        client.post(
            f"/care/{person.id}/plan", data={"every_days": "7", "visitor_kind": "officer"}
        ).status_code
        == 403
    )
    login(client, UserFactory(roles=(Role.SUPERVISOR,)))
    assert client.get(f"/care/{person.id}").status_code == 200
    views = db.session.scalars(
        sa.select(AuditEntry.actor_id).where(
            AuditEntry.kind == "care_person", AuditEntry.subject_id == person.id, AuditEntry.action == "view"
        )
    ).all()
    assert len(views) == 2 and care["volunteer"].id in views


def test_a_visit_from_a_phone_moves_the_next_one_and_closes_the_overdue_item(client, login, care):
    person = care["person"]
    person.next_visit_on = local_now().date() - dt.timedelta(days=3)
    db.session.flush()
    assert JOBS["care.overdue"].func() == 1
    assert JOBS["care.overdue"].func() == 0  # once per station day
    item = item_for(services.KIND, person.id)
    assert item.status == ItemStatus.OPEN.value and item.assignee_id == care["officer"].id
    assert services.queue_overdue(local_now().date()) == 0  # the open item is not queued twice
    login(client, care["officer"])
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 13) Mobile"
    empty = client.post(f"/care/{person.id}/visit", data={"found": ""})
    assert empty.status_code == 400
    assert (
        client.post(
            f"/care/{person.id}/visit", data={"found": "Well, fridge full", "needs": "A walking stick"}
        ).status_code
        == 302
    )
    db.session.refresh(person)
    assert person.next_visit_on == local_now().date() + dt.timedelta(days=14)
    assert item_for(services.KIND, person.id).status == ItemStatus.CLOSED.value
    assert (
        db.session.scalar(sa.select(CareVisit.needs).where(CareVisit.person_id == person.id))
        == "A walking stick"
    )


def test_the_ledger_lists_only_visible_visits(client, login, care):
    services.log_visit(
        care["person"], care["officer"], found="All well", needs=None, follow_up=None, now=utcnow()
    )
    login(client, care["officer"])
    csv = client.get("/care/ledger.csv").data.decode("utf-8-sig")
    assert "Granny Test" in csv and "All well" in csv
    assert client.get("/care/ledger.csv?first=2026-13-01").status_code == 400
    login(client, care["other"])
    assert "Granny Test" not in client.get("/care/ledger.csv").data.decode("utf-8-sig")


def test_the_queue_line_names_no_one(client, login, care):
    person = care["person"]
    person.next_visit_on = local_now().date() - dt.timedelta(days=1)
    services.queue_overdue(local_now().date())
    login(client, care["other"])
    page = client.get("/moderation/?status=all").data.decode()
    assert "Care visit overdue" in page and "Granny Test" not in page


def test_lower_roles_are_refused(client, login, care):
    login(client, UserFactory(roles=(Role.RESIDENT,)))
    assert client.get("/care/").status_code == 403
    login(client, care["volunteer"])
    assert client.get("/care/new").status_code == 403
    assert client.get("/care/ledger.csv").status_code == 403


def test_pages_in_chinese(client, login, care):
    care["officer"].locale = "zh_Hans"
    login(client, care["officer"])
    assert "关爱档案" in client.get("/care/").data.decode()


def test_the_ledger_csv_neutralises_a_hostile_note(client, login, care):
    hostile = "@SUM(1,2)"
    services.log_visit(
        care["person"], care["officer"], found=hostile, needs=None, follow_up=None, now=utcnow()
    )
    login(client, care["officer"])
    text = client.get("/care/ledger.csv").data.decode("utf-8-sig")
    assert "'" + hostile in text and "," + hostile not in text


def test_a_look_at_a_file_and_an_export_are_committed_with_their_audit_rows(app, client, login, care):
    """A GET is never committed unless it must leave a record: each look at a care file must."""
    login(client, care["officer"])
    with client:
        assert client.get(f"/care/{care['person'].id}").status_code == 200
        assert g.tipboard_keep_read is True
    with client:
        assert client.get("/care/ledger.csv").status_code == 200
        assert g.tipboard_keep_read is True


def test_the_ledger_as_a_pdf_for_the_officers_reports(client, login, care):
    services.log_visit(
        care["person"], care["officer"], found="All well", needs=None, follow_up=None, now=utcnow()
    )
    login(client, care["officer"])
    response = client.get("/care/ledger.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Granny Test" in text and "All well" in text
    assert client.get("/care/ledger.pdf?first=2026-13-01").status_code == 400
    login(client, care["other"])
    other = PdfReader(io.BytesIO(client.get("/care/ledger.pdf").data))
    assert "Granny Test" not in "".join(page.extract_text() for page in other.pages)
    login(client, UserFactory(roles=(Role.VOLUNTEER,)))
    assert client.get("/care/ledger.pdf").status_code == 403
