"""Organisations and their members."""

from __future__ import annotations

from tests.factories import UserFactory
from tipboard.partners.models import OrganisationKind
from tipboard.partners.services import add_member, find_or_create_organisation, organisations_of
from tipboard.permissions import Role


def test_a_member_is_added_once_and_found_by_kind(app_ctx):
    lawyer = UserFactory(roles=(Role.LAWYER,))
    firm = find_or_create_organisation("Test Law Firm", OrganisationKind.LAW_FIRM)
    committee = find_or_create_organisation("Test Committee", OrganisationKind.RESIDENTS_COMMITTEE)
    assert find_or_create_organisation("Test Law Firm", OrganisationKind.LAW_FIRM) is firm
    first = add_member(firm, lawyer, "partner")
    assert add_member(firm, lawyer) is first
    add_member(committee, lawyer)
    assert organisations_of(lawyer) == sorted([firm, committee], key=lambda o: o.name)
    assert organisations_of(lawyer, OrganisationKind.LAW_FIRM) == [firm]
    assert firm.has_member(lawyer) and not firm.has_member(UserFactory())


def test_a_closed_organisation_no_longer_counts(app_ctx):
    member = UserFactory(roles=(Role.PARTNER,))
    org = find_or_create_organisation("Closed Property Co", OrganisationKind.PROPERTY_MANAGER)
    add_member(org, member)
    org.active = False
    assert organisations_of(member) == []
