"""Demo partners: two law firms, a residents' committee, a property manager and a mediation
committee; two tips referred to the property manager."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.services import item_for
from tipboard.partners.models import Organisation, OrganisationKind, Referral
from tipboard.partners.referrals import partner_reply, refer
from tipboard.partners.services import add_member, find_or_create_organisation
from tipboard.timezones import local_now
from tipboard.tips.models import Tip
from tipboard.tips.workflow import KIND as TIP_KIND
from tipboard.tips.workflow import TipAction, allowed

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


# code of the demo tip, organisation, what is asked, days until due, done by the partner already
REFERRALS = [
    (
        "DEM0-0001",
        "绿城物业 Greentown Property Services",
        "Move night charging to the charging shed in the yard and clear the stairwell of building 7.",
        3,
        None,
    ),
    (
        "DEM0-0004",
        "绿城物业 Greentown Property Services",
        "Put up no-parking signs on the estate side of the park road.",
        2,
        "Two no-parking signs are up since this morning.",
    ),
]


@demo_loader(order=6)
def load_referrals() -> None:
    """Two referrals to the property manager: one with them, one they report done."""
    if db.session.scalar(sa.select(sa.func.count(Referral.id))):
        return
    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    partner = db.session.scalar(sa.select(User).where(User.username == "partner"))
    for code, org_name, note, days, done in REFERRALS:
        tip = db.session.scalar(sa.select(Tip).where(Tip.tracking_code == code))
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name))
        if tip is None or org is None or not allowed(TipAction.RESOLVE, tip.status_enum):
            continue
        referral = refer(tip, org, note, local_now().date() + dt.timedelta(days=days), staff)
        item = item_for(TIP_KIND, tip.id)
        item.status = ItemStatus.WAITING.value  # as the queue's "refer" action leaves it
        if done:
            partner_reply(referral, partner, done, done=True)
