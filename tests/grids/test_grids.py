"""Accountable grids: officers, automatic assignment of new tips, grid members and their items."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tipboard.disputes.intake import Applicant, open_case
from tipboard.extensions import db
from tipboard.geo import GridMember, responsible_officer
from tipboard.moderation.services import item_for
from tipboard.permissions import Role
from tipboard.tips.models import Tip, TipStatus


def _send_tip(client, category, grid):
    data = {
        "category": str(category.id),
        "description": "Sagging cables over the lane behind the market",
        "address": grid.code,
        "anonymous": "y",
    }
    assert client.post("/tips/new", data=data).status_code == 302
    return db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first()


def test_a_new_tip_in_a_grid_goes_to_its_officer_or_the_deputy(client, app_ctx):
    officer = UserFactory(roles=(Role.STAFF,))
    deputy = UserFactory(roles=(Role.STAFF,))
    grid = GridFactory(officer_id=officer.id, deputy_id=deputy.id)
    category = CategoryFactory()
    tip = _send_tip(client, category, grid)
    assert tip.grid_id == grid.id and tip.assignee_id == officer.id
    assert item_for("tip", tip.id).assignee_id == officer.id
    officer.active = False
    db.session.flush()
    assert responsible_officer(grid.id) == deputy.id
    assert _send_tip(client, category, grid).assignee_id == deputy.id
    assert responsible_officer(None) is None and responsible_officer(GridFactory().id) is None


def test_supervisors_set_officers_and_members(client, login, app_ctx):
    grid = GridFactory()
    officer = UserFactory(roles=(Role.STAFF,))
    resident = UserFactory(roles=(Role.RESIDENT,))
    outsider = UserFactory(roles=(Role.RESIDENT,))
    login(client, UserFactory(roles=(Role.STAFF, Role.SUPERVISOR)))
    assert (
        client.post(f"/grids/{grid.id}", data={"officer_id": str(officer.id), "deputy_id": ""}).status_code
        == 302
    )
    db.session.refresh(grid)
    assert grid.officer_id == officer.id and grid.deputy_id is None
    same = client.post(
        f"/grids/{grid.id}", data={"officer_id": str(officer.id), "deputy_id": str(officer.id)}
    )
    assert same.status_code == 400 and b"two people" in same.data
    not_staff = client.post(f"/grids/{grid.id}", data={"officer_id": str(resident.id)})
    assert not_staff.status_code == 400

    add = client.post(
        f"/grids/{grid.id}/members",
        data={"login": resident.email, "role": "building_lead", "note": "Building 7"},
    )
    assert add.status_code == 302
    member = db.session.scalar(sa.select(GridMember).where(GridMember.user_id == resident.id))
    assert member.grid_id == grid.id and resident.has_role(Role.BUILDING_LEAD)

    # the building lead sees the grid's open items and nothing of another grid
    mine = TipFactory(
        grid_id=grid.id, description="Blocked fire exit in building 7", status=TipStatus.NEW.value
    )
    TipFactory(grid_id=GridFactory().id, description="Elsewhere entirely", status=TipStatus.NEW.value)
    TipFactory(grid_id=grid.id, description="Already handled", status=TipStatus.RESOLVED.value)
    db.session.flush()
    lead_client = client.application.test_client()
    login(lead_client, resident)
    page = lead_client.get("/grids/").data.decode()
    assert mine.description in page and "Elsewhere entirely" not in page and "Already handled" not in page
    assert lead_client.get(f"/grids/{grid.id}").status_code == 403

    login(client, UserFactory(roles=(Role.STAFF, Role.SUPERVISOR)))
    assert client.post(f"/grids/{GridFactory().id}/members/{member.id}/remove").status_code == 404
    assert client.post(f"/grids/{grid.id}/members/{member.id}/remove").status_code == 302
    assert db.session.get(GridMember, member.id) is None
    lead_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert mine.description not in lead_client.get("/grids/").data.decode()
    assert outsider.id  # an account never added sees nothing: the route refuses residents
    login(lead_client, outsider)
    assert lead_client.get("/grids/").status_code == 403


def test_grid_pages_in_chinese(client, login, app_ctx):
    supervisor = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR), locale="zh_Hans")
    login(client, supervisor)
    grid = GridFactory()
    assert "责任民警" in client.get(f"/grids/{grid.id}").data.decode()
    assert "带班领导" in client.get("/grids/duty").data.decode()


def test_a_new_dispute_case_in_a_grid_goes_to_its_officer_for_triage(app_ctx):
    officer = UserFactory(roles=(Role.STAFF,))
    grid = GridFactory(officer_id=officer.id)
    in_grid = open_case(Applicant(None, "Resident A"), "noise", "Drums at night.", "Quiet.", grid_id=grid.id)
    nowhere = open_case(Applicant(None, "Resident B"), "pets", "A barking dog.", "Quiet.")
    assert item_for("dispute", in_grid.case.id).assignee_id == officer.id
    assert item_for("dispute", in_grid.case.id).grid_id == grid.id
    assert item_for("dispute", nowhere.case.id).assignee_id is None
