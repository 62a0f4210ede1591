"""Organisations and their members: the few functions every partner-facing blueprint shares."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tipboard.auth.services import find_by_login, grant_role
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.partners.models import Organisation, OrganisationKind, OrganisationMember
from tipboard.permissions import STAFF, Role


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


# --- the staff pages: organisations and their members -------------------------------------------


class OrganisationError(Refusal):
    """A refusal of the organisation services (messages: partners.views.ORGANISATION_ERRORS)."""


#: Roles whose holders may already act for an organisation without the partner role.
ACTING_ROLES = (Role.PARTNER, Role.LAWYER, Role.MEDIATOR, *STAFF)


def save_organisation(
    org: Organisation | None, *, name: str, kind: str, phone: str | None, active: bool
) -> Organisation:
    """Create (``org`` None) or update an organisation; a name another one has is refused."""
    name = name.strip()
    clash = db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name))
    if clash is not None and (org is None or clash != org.id):
        raise OrganisationError("name_taken")
    if kind not in {k.value for k in OrganisationKind}:
        raise OrganisationError("bad_kind")
    org = org if org is not None else Organisation()
    org.name, org.kind, org.phone, org.active = name, kind, (phone or "").strip() or None, bool(active)
    db.session.add(org)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # saved by someone else since the check
        raise OrganisationError("name_taken") from exc
    return org


def add_member_by_login(organisation: Organisation, login: str, title: str | None) -> OrganisationMember:
    """Add the account named by ``login`` (user name, phone or email) with ``title``. An account
    holding no role that acts for partners is given the partner role, so it sees its referrals."""
    user = find_by_login(login)
    if user is None or not user.active:
        raise OrganisationError("no_account")
    if organisation.has_member(user):
        raise OrganisationError("already_member")
    if not user.has_role(*ACTING_ROLES):
        grant_role(user, Role.PARTNER)
    return add_member(organisation, user, (title or "").strip() or None)


def remove_member(organisation: Organisation, member_id: int) -> None:
    member = db.session.get(OrganisationMember, member_id)
    if member is None or member.organisation_id != organisation.id:
        raise OrganisationError("no_member")
    organisation.members.remove(member)
    db.session.flush()


def all_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(sa.select(Organisation).order_by(Organisation.active.desc(), Organisation.name))
    )


def active_organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
        )
    )
