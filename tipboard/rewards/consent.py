"""Honour-board consent: the nominee says themselves whether their name may be shown publicly.

Staff hand the nominee a one-time-shown code (stored hashed, like claim codes); the nominee answers
with it at /rewards/consent and may change their mind later. The nominator's tick on the nomination
form only records that they asked. Services flush and never commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import sqlalchemy as sa

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.rewards.models import Nomination
from tipboard.rewards.services import CLAIM_ALPHABET, RewardError, code_hash

log = logging.getLogger("tipboard.rewards")


def issue_consent_code(nomination: Nomination) -> str:
    """A code staff hand to the nominee, who answers with it themselves whether they may be named on
    the honour board. Any earlier code stops working; an answer already given stands."""
    raw = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(10))
    nomination.consent_code_hash = code_hash(raw)
    db.session.flush()
    return f"{raw[:5]}-{raw[5:]}"


def nomination_for_consent(code: str) -> Nomination:
    """The nomination a consent code belongs to; RewardError("bad_code") otherwise."""
    found = db.session.scalar(
        sa.select(Nomination).where(Nomination.consent_code_hash == code_hash(code or ""))
    )
    if found is None or not code.strip():
        raise RewardError("bad_code")
    return found


def answer_consent(code: str, agree: bool, user=None, now: dt.datetime | None = None) -> Nomination:
    """The nominee's own answer: yes puts their name on the honour board, no (or a later no) keeps it
    off. The person who nominated them cannot answer for them."""
    nomination = nomination_for_consent(code)
    if user is not None and getattr(user, "id", None) == nomination.nominated_by_id:
        raise RewardError("not_for_nominator")
    nomination.consented_at = (now or utcnow()) if agree else None
    db.session.flush()
    log.info("rewards.consent nomination=%s agree=%s", nomination.id, agree)
    return nomination
