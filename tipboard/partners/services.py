"""Organisations and their members: the few functions every partner-facing blueprint shares."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.partners.models import Organisation, OrganisationMember


def find_or_create_organisation(name: str, kind: str, phone: str | None = None) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=str(kind), phone=phone)
        db.session.add(org)
        db.session.flush()
    return org


def add_member(organisation: Organisation, user, title: str | None = None) -> OrganisationMember:
    """Make ``user`` act for ``organisation`` (once: a second call returns the same membership)."""
    member = db.session.scalar(
        sa.select(OrganisationMember).where(
            OrganisationMember.organisation_id == organisation.id, OrganisationMember.user_id == user.id
        )
    )
    if member is None:
        member = OrganisationMember(organisation=organisation, user_id=user.id, title=title)
        db.session.add(member)
        db.session.flush()
    return member


def organisations_of(user, kind: str | None = None) -> list[Organisation]:
    """The active organisations ``user`` acts for, optionally of one kind."""
    query = (
        sa.select(Organisation)
        .join(OrganisationMember)
        .where(OrganisationMember.user_id == user.id, Organisation.active.is_(True))
        .order_by(Organisation.name)
    )
    if kind is not None:
        query = query.where(Organisation.kind == str(kind))
    return list(db.session.scalars(query))
