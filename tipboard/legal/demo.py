"""Demo legal help: three lawyers of the two demo firms on a rota (with gaps to see), office hours
on Tuesdays and Fridays and a Thursday joint-mediation day, and questions in different states."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.auth.services import grant_role, hash_password
from tipboard.database import utcnow
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.legal import faq, office, questions, rota
from tipboard.legal.models import DutyHours, LegalQuestion, OfficeHours, QuestionLawyer
from tipboard.partners.demo import ORGANISATIONS
from tipboard.partners.models import Organisation
from tipboard.partners.services import add_member
from tipboard.permissions import Role

XINGCHEN, ZHENGHE = ORGANISATIONS[0][0], ORGANISATIONS[1][0]
#: The generated lawyer accounts (password demo-lawyer), beside the demo account ``lawyer``.
DEMO_LAWYERS = [
    ("demo-lawyer2", "周律师 Lawyer Zhou", XINGCHEN),
    ("demo-lawyer3", "何律师 Lawyer He", ZHENGHE),
]
# username, firm, weekdays, from hour, to hour (station time): day, evening and night cover, with
# the weekend nights left as gaps for the rota page to show.
DUTY = [
    ("lawyer", XINGCHEN, range(0, 5), 8, 20),
    ("demo-lawyer2", XINGCHEN, range(0, 7), 20, 24),
    ("demo-lawyer2", XINGCHEN, range(5, 7), 8, 20),
    ("demo-lawyer3", ZHENGHE, range(0, 5), 0, 8),
]
# firm, lawyer, weekday, start, end, places, joint mediation
OFFICE = [
    (XINGCHEN, "lawyer", 1, dt.time(9), dt.time(12), 4, False),
    (XINGCHEN, "lawyer", 4, dt.time(9), dt.time(12), 4, False),
    (ZHENGHE, "demo-lawyer3", 3, dt.time(9), dt.time(12), 3, True),
]


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _firm(name: str) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


@demo_loader(order=20)
def load_legal_demo() -> None:
    password_hash = None
    for username, name, firm in DEMO_LAWYERS:
        user = _user(username)
        if user is None:
            password_hash = password_hash or hash_password("demo-lawyer")
            user = User(
                username=username,
                name=name,
                email=f"{username}@demo.tipboard.invalid",
                password_hash=password_hash,
                is_demo=True,
            )
            db.session.add(user)
            db.session.flush()
        grant_role(user, Role.LAWYER)
        add_member(_firm(firm), user, "律师")
    if db.session.scalar(sa.select(sa.func.count()).select_from(DutyHours)) == 0:
        for username, firm, days, start, end in DUTY:
            for day in days:
                rota.add_duty_hours(_user(username), _firm(firm), day, start, end)
    if db.session.scalar(sa.select(sa.func.count()).select_from(OfficeHours)) == 0:
        for firm, username, day, start, end, places, joint in OFFICE:
            office.add_office_hours(
                _firm(firm), day, start, end, places, lawyer=_user(username), joint_mediation=joint
            )
    office.make_slots()
    if db.session.scalar(sa.select(sa.func.count()).select_from(LegalQuestion)) == 0:
        _load_questions()


def _load_questions() -> None:
    lawyer, resident = _user("lawyer"), _user("resident")
    now = utcnow()
    # Answered, rated and published as an FAQ entry.
    q1 = questions.ask(
        "labour",
        "公司拖欠我两个月工资，我该怎么办？",
        resident,
        locale="zh_Hans",
        now=now - dt.timedelta(days=3),
    ).question
    _ensure_on(q1, lawyer)
    questions.reply(
        q1,
        lawyer,
        "先保留劳动合同、工资条和考勤记录，与单位协商；协商不成可向劳动监察部门投诉或申请劳动仲裁，仲裁不收费。",
        now=now - dt.timedelta(days=3) + dt.timedelta(hours=1),
    )
    questions.rate(q1, 5)
    entry = faq.propose(
        q1,
        lawyer,
        "单位拖欠工资两个月，怎么办？",
        "保留劳动合同、工资条和考勤记录，先与单位协商；协商不成可向劳动监察部门投诉或申请劳动仲裁，仲裁不收费。",
        translated_question="My employer owes me two months' wages. What can I do?",
        translated_answer="Keep your contract, pay slips and attendance records and talk to the employer first; "
        "if that fails, complain to the labour inspectorate or apply for labour arbitration, which is free.",
    )
    faq.answer_consent(entry, True)
    faq.publish(entry, _user("staff"))
    # The lawyer asked back; waiting for the asker.
    q2 = questions.ask(
        "housing", "楼上漏水把我家天花板泡坏了，物业不管，怎么办？", None, locale="zh_Hans"
    ).question
    _ensure_on(q2, lawyer)
    questions.reply(q2, lawyer, "请问漏水多久了？有没有拍照或请物业出具过记录？", ask_back=True)
    # Answered, mediation suggested: the asker has not yet agreed.
    q3 = questions.ask(
        "family",
        "Neighbours keep parking in front of our gate and argue when asked to move.",
        resident,
        locale="en",
    ).question
    _ensure_on(q3, lawyer)
    questions.reply(q3, lawyer, "This is a good case for the station's joint mediation; I suggest it below.")
    questions.suggest_mediation(q3, lawyer)
    # Waiting for a lawyer.
    questions.ask("consumer", "网购的电器坏了，商家不给退货，我能怎么办？", None, locale="zh_Hans")


def _ensure_on(question: LegalQuestion, lawyer: User) -> None:
    """Put the demo lawyer on a question, whoever was on duty when the demo was loaded."""
    if not question.is_lawyer_on(lawyer):
        question.lawyers.append(
            QuestionLawyer(user_id=lawyer.id, organisation_id=rota.firm_of(lawyer).id, how="took")
        )
        db.session.flush()
