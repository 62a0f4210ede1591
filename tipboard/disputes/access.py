"""Who may see a case, and as whom.

A case is confidential: its parties, the people assigned to it (mediators, officers, lawyers,
partner members) and supervisors see it; nobody else, ordinary staff included (they see a case
waiting for triage in the moderation queue, and once it is accepted only if they are assigned to
it). A party without an account proves who they are with the case code and their secret once;
the session then remembers that party (by id, for an hour). Every look at a case by someone who
is not a party goes into the case's audit trail.
"""

from __future__ import annotations

import dataclasses
import time

import sqlalchemy as sa
from flask import abort, session
from flask_login import current_user

from tipboard.disputes.intake import normalise
from tipboard.disputes.models import CaseMember, CaseParty, DisputeCase
from tipboard.disputes.workflow import KIND
from tipboard.extensions import db
from tipboard.flow import keep_read
from tipboard.moderation.services import record
from tipboard.permissions import SUPERVISORS

ACCESS_SECONDS = 3600
MAX_REMEMBERED = 10


def grant_party(party_id: int) -> None:
    now = int(time.time())
    held = {k: v for k, v in session.get("dispute_parties", {}).items() if v > now and k != str(party_id)}
    held[str(party_id)] = now + ACCESS_SECONDS
    session["dispute_parties"] = dict(sorted(held.items(), key=lambda item: item[1])[-MAX_REMEMBERED:])


@dataclasses.dataclass
class Viewer:
    party: CaseParty | None = None
    member: CaseMember | None = None
    supervisor: bool = False

    @property
    def mediates(self) -> bool:
        """Works on the case (sees every thread and file, acts for the station)."""
        return self.member is not None or self.supervisor


def viewer_of(case: DisputeCase) -> Viewer | None:
    user = current_user if current_user.is_authenticated else None
    held = session.get("dispute_parties", {})
    for party in case.parties:
        if (user is not None and party.user_id == user.id) or held.get(str(party.id), 0) > time.time():
            return Viewer(party=party)
    if user is None:
        return None
    member = case.member(user)
    supervisor = user.has_role(*SUPERVISORS)
    if member is None and not supervisor:
        return None
    return Viewer(member=member, supervisor=supervisor)


def case_for(code: str, what: str = "view") -> tuple[DisputeCase, Viewer]:
    """The case with this code and who is looking, or 404 alike for an unknown case and one the
    request may not see. A look by anyone but a party is written to the case's audit trail."""
    case = db.session.scalar(sa.select(DisputeCase).where(DisputeCase.code == normalise(code)))
    viewer = viewer_of(case) if case is not None else None
    if viewer is None:
        abort(404)
    if viewer.party is None:
        record(None, current_user, what, kind=KIND, subject_id=case.id)
        keep_read()
    return case, viewer


def mediator_case(code: str, what: str) -> tuple[DisputeCase, Viewer]:
    """As :func:`case_for`, for the station's side only (403 for a party)."""
    case, viewer = case_for(code, what)
    if not viewer.mediates:
        abort(403)
    return case, viewer
