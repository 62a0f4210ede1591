"""Demo cases in different states, with the demo mediator, lawyer and partner on them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.demo import demo_loader
from tipboard.disputes import agreement as agreements
from tipboard.disputes import services
from tipboard.disputes.intake import Applicant, open_case
from tipboard.disputes.models import DisputeCase, MemberRole, Side
from tipboard.extensions import db

CASES = [
    # applicant, other side, kind, facts, wishes, where it ends up
    (
        "resident",
        "楼上住户 Mr. Gao (upstairs)",
        "noise",
        "楼上每晚十一点后拖动家具、跳绳，已经持续两个月。Furniture dragged and skipping rope upstairs after 11 pm for two months.",
        "希望晚上十点后保持安静。Quiet after 10 pm.",
        "received",
    ),
    (
        "陈先生 Mr. Chen",
        "邻居 Ms. Huang",
        "pets",
        "邻居的狗在楼道随地便溺，多次沟通无果。The neighbour's dog fouls the stairwell.",
        "希望邻居拴绳遛狗并清理粪便。Leash and clean up.",
        "mediating",
    ),
    (
        "resident",
        "绿城物业 Greentown Property",
        "property",
        "地下车库漏水淹了车。Water leaking in the garage damaged a car.",
        "物业赔偿维修费用。The manager pays the repair.",
        "settled",
    ),
]


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


@demo_loader(order=20)
def load_disputes() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(DisputeCase)):
        return
    staff, mediator, lawyer, partner = (_user(n) for n in ("staff", "mediator", "lawyer", "partner"))
    for applicant_name, other, kind, facts, wishes, state in CASES:
        user = _user(applicant_name)
        applicant = Applicant(user, user.name if user else applicant_name, None if user else "13800000001")
        receipt = open_case(
            applicant,
            kind,
            facts,
            wishes,
            other_name=other,
            recorded_by=None if user else staff,
            channel="online" if user else "walk_in",
        )
        case = receipt.case
        if state == "received":
            continue
        services.accept(case, mediator, [(lawyer, MemberRole.LAWYER), (partner, MemberRole.PARTNER)], staff)
        services.answer_invitation(case, case.party(Side.OTHER), True, recorded_by=staff)
        if state == "mediating":
            continue
        today = utcnow().date()
        agreements.draft(
            case,
            agreements.Draft(
                facts,
                "车库顶板防水层老化，物业负维护责任。The garage roof's waterproofing failed; the manager is responsible for upkeep.",
                "物业赔偿维修费2000元，并在一个月内修复防水层。The manager pays 2,000 yuan and fixes the roof within a month.",
                "十日内转账；三十日内完工。Paid within 10 days, fixed within 30.",
                [(Side.OTHER.value, "赔偿2000元 Pay 2,000 yuan", today + dt.timedelta(days=10))],
            ),
            mediator,
        )
        for party in case.parties:
            agreements.confirm_on_paper(case, party, None, mediator)
