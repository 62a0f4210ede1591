"""Triage, the other side's consent and the mediation room. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import current_app

from tipboard.auth.models import User, UserRole
from tipboard.database import utcnow
from tipboard.disputes.intake import DisputeError, hash_secret, secret_for
from tipboard.disputes.models import (
    MEMBER_LABELS,
    CaseFile,
    CaseMember,
    CaseMessage,
    CaseParty,
    CaseStatus,
    DisputeCase,
    MemberRole,
    Side,
    Thread,
)
from tipboard.disputes.workflow import KIND, ROOM_OPEN, CaseAction, transition
from tipboard.extensions import db
from tipboard.links import external_url
from tipboard.moderation.services import record
from tipboard.outbox import build_at_delivery, notify, notify_phone
from tipboard.partners.models import OrganisationMember
from tipboard.permissions import Role

#: Who may be put on a case, by the part they take.
MEMBER_ROLES = {
    MemberRole.LEAD: (Role.MEDIATOR, Role.STAFF),
    MemberRole.MEDIATOR: (Role.MEDIATOR,),
    MemberRole.OFFICER: (Role.STAFF,),
    MemberRole.LAWYER: (Role.LAWYER,),
    MemberRole.PARTNER: (Role.PARTNER,),
}


def case_link(case: DisputeCase) -> str:
    return external_url("disputes.case", code=case.code)


def candidates(role: MemberRole) -> list[User]:
    """The people who may take ``role`` on a case (for the triage form)."""
    names = [str(r) for r in MEMBER_ROLES[role]]
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_(names))))
            .order_by(User.name)
        )
    )


def _organisation_of(user_id: int) -> int | None:
    return db.session.scalar(
        sa.select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user_id).limit(1)
    )


def add_member(case: DisputeCase, user: User, role: MemberRole, actor=None) -> CaseMember:
    if not user.has_role(*MEMBER_ROLES[role]):
        raise DisputeError("bad_member")
    member = case.member(user)
    if member is None:
        member = CaseMember(user_id=user.id, role=role.value, organisation_id=_organisation_of(user.id))
        case.members.append(member)
    elif role == MemberRole.LEAD:
        member.role = role.value
    db.session.flush()
    record(None, actor, "assign", kind=KIND, subject_id=case.id, after={"user": user.id, "role": role.value})
    notify(
        user,
        "disputes.assigned",
        {"code": case.code, "role": str(MEMBER_LABELS[role]), "link": case_link(case)},
    )
    return member


def accept(case: DisputeCase, lead: User | None, others: list[tuple[User, MemberRole]], actor) -> str | None:
    """Accept a case for mediation with its lead mediator and others. The other side is invited
    (:func:`invite`): through the outbox, and for a party without an account also by the invitation
    code returned here (shown once to the person who accepted, to hand over)."""
    if lead is None:
        raise DisputeError("no_lead")
    transition(case, CaseAction.ACCEPT, actor)
    add_member(case, lead, MemberRole.LEAD, actor)
    for user, role in others:
        if user.id != lead.id:
            add_member(case, user, role, actor)
    case.consent_due_at = utcnow() + dt.timedelta(days=current_app.config["DISPUTE_CONSENT_DAYS"])
    applicant = case.party(Side.APPLICANT)
    if applicant.user is not None:
        notify(applicant.user, "disputes.accepted", {"code": case.code})
    return invite(case, actor)


build_at_delivery("disputes.invited_by_phone", lambda stored: {"secret": secret_for(stored["nonce"])})


def invite(case: DisputeCase, actor=None) -> str | None:
    """(Re)issue the other side's invitation. To their account if they have one (returns None);
    else a new invitation code (only its hash is kept), sent by text message to the phone the
    applicant gave, and returned for staff to hand over in person (a new code voids the last)."""
    other = case.party(Side.OTHER)
    if other is None:
        return None
    if other.user_id is None and other.phone:
        other.user_id = db.session.scalar(sa.select(User.id).where(User.phone == other.phone))
    db.session.flush()
    record(None, actor, "invite", kind=KIND, subject_id=case.id)
    station = current_app.config["STATION_NAME_ZH"]
    if other.user_id is not None:
        notify(
            db.session.get(User, other.user_id),
            "disputes.invited",
            {"code": case.code, "station": station, "link": case_link(case)},
        )
        return None
    nonce = secrets.token_urlsafe(16)
    code = secret_for(nonce)
    other.secret_hash = hash_secret(code)
    if other.phone:
        link = external_url("disputes.follow", code=case.code)
        notify_phone(
            other.phone,
            "disputes.invited_by_phone",
            {"code": case.code, "station": station, "link": link, "nonce": nonce},
        )
    return code


def refer(case: DisputeCase, reason: str, actor) -> None:
    transition(case, CaseAction.REFER, actor, reason)
    _tell_applicant(case, "disputes.referred", reason=reason)


def decline(case: DisputeCase, reason: str, actor) -> None:
    transition(case, CaseAction.DECLINE, actor, reason)
    _tell_applicant(case, "disputes.declined", reason=reason)


def _tell_applicant(case: DisputeCase, key: str, **params) -> None:
    applicant = case.party(Side.APPLICANT)
    if applicant is not None and applicant.user is not None:
        notify(applicant.user, key, {"code": case.code, **params})


def answer_invitation(case: DisputeCase, party: CaseParty, agree: bool, recorded_by=None) -> None:
    """The other side agrees to mediation or refuses (online, or in person with staff recording it)."""
    if party.side != Side.OTHER.value:
        raise DisputeError("bad_invitation")
    transition(case, CaseAction.CONSENT if agree else CaseAction.REFUSE, recorded_by or party.user)
    party.consent, party.consent_at = ("given" if agree else "refused"), utcnow()
    party.consent_recorded_by_id = getattr(recorded_by, "id", None)
    if agree:
        for p in case.parties:
            if p.user is not None:
                notify(p.user, "disputes.mediation_open", {"code": case.code, "link": case_link(case)})
    else:
        _tell_applicant(case, "disputes.other_declined")
    db.session.flush()


def expire_invitations(now: dt.datetime | None = None) -> int:
    """Close the cases whose other side did not answer in time as "other side declined"."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(DisputeCase).where(
            DisputeCase.status == CaseStatus.ACCEPTED.value, DisputeCase.consent_due_at < now
        )
    ).all()
    for case in due:
        transition(case, CaseAction.REFUSE, None, "no answer")
        _tell_applicant(case, "disputes.other_declined")
    return len(due)


def add_message(
    case: DisputeCase, thread: Thread, body: str, *, party=None, user=None, to_party=None
) -> CaseMessage:
    """A message in the joint thread, in a party's private thread with the mediators (caucus), or
    in the mediators' session record (笔录). A party writes as themselves, only in the joint thread
    or their own caucus; a mediator writes anywhere."""
    if case.status_enum not in ROOM_OPEN:
        raise DisputeError("room_closed")
    body = (body or "").strip()
    if not body:
        raise DisputeError("empty")
    caucus_party = None
    if thread == Thread.CAUCUS:
        caucus_party = party if party is not None else to_party
        if caucus_party is None or caucus_party.case_id != case.id:
            raise DisputeError("empty")
    if thread == Thread.RECORD and party is not None:
        raise DisputeError("room_closed")
    message = CaseMessage(
        case_id=case.id,
        thread=thread.value,
        party_id=getattr(caucus_party, "id", None),
        author_user_id=getattr(user, "id", None) if party is None else None,
        author_party_id=getattr(party, "id", None),
        body=body[:4000],
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def messages_for(case: DisputeCase, *, party: CaseParty | None) -> dict[str, list[CaseMessage]]:
    """The threads a reader may see: a party the joint thread and their own caucus; the mediators
    every thread. Keyed "joint", "caucus-<party id>", "record"."""
    query = sa.select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    if party is not None:
        query = query.where(
            sa.or_(
                CaseMessage.thread == Thread.JOINT.value,
                sa.and_(CaseMessage.thread == Thread.CAUCUS.value, CaseMessage.party_id == party.id),
            )
        )
    threads: dict[str, list[CaseMessage]] = {}
    for message in db.session.scalars(query):
        key = message.thread if message.thread != Thread.CAUCUS.value else f"caucus-{message.party_id}"
        threads.setdefault(key, []).append(message)
    return threads


def files_for(case: DisputeCase, *, party: CaseParty | None, purpose: str | None = None) -> list[CaseFile]:
    """Evidence a reader may see: a party their own files and the shared ones; mediators all."""
    query = sa.select(CaseFile).where(CaseFile.case_id == case.id).order_by(CaseFile.id)
    if party is not None:
        query = query.where(sa.or_(CaseFile.shared.is_(True), CaseFile.party_id == party.id))
    if purpose is not None:
        query = query.where(CaseFile.purpose == purpose)
    return list(db.session.scalars(query))


def share_file(case: DisputeCase, file_id: int, shared: bool, actor) -> None:
    row = db.session.get(CaseFile, file_id)
    if row is None or row.case_id != case.id:
        raise DisputeError("not_a_file")
    row.shared = shared
    record(
        None, actor, "share" if shared else "unshare", kind=KIND, subject_id=case.id, after={"file": file_id}
    )
    db.session.flush()


def end_without_agreement(case: DisputeCase, reason: str, actor) -> None:
    transition(case, CaseAction.FAIL, actor, reason)


def cases_of(user, limit: int = 100) -> list[DisputeCase]:
    """The cases ``user`` is a party of or works on, newest first."""
    return list(
        db.session.scalars(
            sa.select(DisputeCase)
            .where(
                sa.or_(
                    DisputeCase.id.in_(sa.select(CaseParty.case_id).where(CaseParty.user_id == user.id)),
                    DisputeCase.id.in_(sa.select(CaseMember.case_id).where(CaseMember.user_id == user.id)),
                )
            )
            .order_by(DisputeCase.id.desc())
            .limit(limit)
        )
    )
