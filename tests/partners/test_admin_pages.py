"""The station's pages for partner organisations and their members."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.partners.models import Organisation, OrganisationMember
from tipboard.permissions import Role


def test_staff_create_edit_deactivate_and_manage_members(client, login, app_ctx):
    login(client, UserFactory(roles=(Role.STAFF,)))
    assert client.get("/partners/new").status_code == 200
    response = client.post(
        "/partners/new",
        data={"name": "Lakeside Property", "kind": "property_manager", "phone": "123", "active": "y"},
    )
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Lakeside Property"))
    assert org.active and org.kind == "property_manager"
    clash = client.post("/partners/new", data={"name": "Lakeside Property", "kind": "school", "active": "y"})
    assert clash.status_code == 400 and b"already has that name" in clash.data

    resident = UserFactory(username="clerk-li", roles=(Role.RESIDENT,))
    assert (
        client.post(f"/partners/{org.id}/members", data={"login": "clerk-li", "title": "Clerk"}).status_code
        == 302
    )
    db.session.refresh(org)
    assert org.has_member(resident) and resident.has_role(Role.PARTNER)
    again = client.post(f"/partners/{org.id}/members", data={"login": "clerk-li"})
    assert again.status_code == 400 and b"already a member" in again.data
    unknown = client.post(f"/partners/{org.id}/members", data={"login": "nobody-here"})
    assert unknown.status_code == 400 and b"No active account" in unknown.data

    member = db.session.scalar(sa.select(OrganisationMember).where(OrganisationMember.user_id == resident.id))
    page = client.get(f"/partners/{org.id}")
    assert b"clerk-li" in page.data and b"Clerk" in page.data
    assert client.post(f"/partners/{org.id}/members/{member.id}/remove").status_code == 302
    db.session.refresh(org)
    assert not org.has_member(resident)
    assert client.post(f"/partners/{org.id}/members/{member.id}/remove").status_code == 404

    assert (
        client.post(
            f"/partners/{org.id}", data={"name": "Lakeside Property", "kind": "property_manager"}
        ).status_code
        == 302
    )
    db.session.refresh(org)
    assert not org.active
    assert b"inactive" in client.get("/partners/").data


def test_a_member_of_one_organisation_cannot_be_removed_through_another(client, login, app_ctx):
    login(client, UserFactory(roles=(Role.ADMIN,)))
    a = Organisation(name="A Org", kind="school")
    b = Organisation(name="B Org", kind="school")
    db.session.add_all([a, b])
    db.session.flush()
    member = OrganisationMember(organisation_id=a.id, user_id=UserFactory().id)
    db.session.add(member)
    db.session.flush()
    assert client.post(f"/partners/{b.id}/members/{member.id}/remove").status_code == 404
    assert db.session.get(OrganisationMember, member.id) is not None


def test_partners_and_volunteers_are_refused_the_station_pages(client, login, app_ctx):
    for role in (Role.PARTNER, Role.VOLUNTEER, Role.GRIDWORKER, Role.VENUE_MANAGER):
        login(client, UserFactory(roles=(role,)))
        assert client.get("/partners/").status_code == 403
        assert client.get("/partners/new").status_code == 403
