"""Demo partners: two law firms, a residents' committee and a property manager."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.partners.models import OrganisationKind
from tipboard.partners.services import add_member, find_or_create_organisation

ORGANISATIONS = [
    # name, kind, phone, demo account acting for it (or None), title
    ("星辰律师事务所 Xingchen Law Firm", OrganisationKind.LAW_FIRM, "0571-8800 1001", "lawyer", "律师"),
    ("正和律师事务所 Zhenghe Law Firm", OrganisationKind.LAW_FIRM, "0571-8800 2002", None, None),
    (
        "枫桥社区居委会 Fengqiao Residents' Committee",
        OrganisationKind.RESIDENTS_COMMITTEE,
        "0571-8800 3003",
        None,
        None,
    ),
    (
        "绿城物业 Greentown Property Services",
        OrganisationKind.PROPERTY_MANAGER,
        "0571-8800 4004",
        "partner",
        "物业经理",
    ),
    (
        "枫桥社区人民调解委员会 Fengqiao People's Mediation Committee",
        OrganisationKind.MEDIATION_COMMITTEE,
        "0571-8800 5005",
        "mediator",
        "人民调解员",
    ),
]


@demo_loader(order=5)
def load_partners() -> None:
    for name, kind, phone, username, title in ORGANISATIONS:
        org = find_or_create_organisation(name, kind, phone)
        if username:
            user = db.session.scalar(sa.select(User).where(User.username == username))
            add_member(org, user, title)
