"""Intake: a case opened by a resident, by staff for a walk-in or a phone call, or by another
blueprint (a tip, a legal question) through :func:`open_case`; case codes and secrets; evidence files."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from tipboard.database import utcnow
from tipboard.disputes.models import (
    CaseFile,
    CaseParty,
    CaseStatus,
    Channel,
    DisputeCase,
    DisputeKind,
    Meeting,
    Side,
)
from tipboard.disputes.workflow import KIND
from tipboard.documents import DocumentError, clean_pdf, is_pdf
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.geo import responsible_officer
from tipboard.moderation.services import enqueue, record
from tipboard.outbox import notify
from tipboard.tips.photos import PhotoError, process_photo

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as tip codes: nothing to misread
CODE_LENGTH = 8
SECRET_LENGTH = 12
RISK_PRIORITY = 100  # a case flagged for threats or violence goes to the front of the queue


class DisputeError(Refusal):
    """A refusal of the dispute services (messages: disputes.messages.ERRORS)."""


def _random_chars(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def group(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise(text: str) -> str:
    cleaned = (text or "").upper().replace("-", "").replace(" ", "")
    return group(cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"})))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(normalise(secret).encode()).hexdigest()


def new_secret() -> str:
    return group(_random_chars(SECRET_LENGTH))


def secret_for(nonce: str) -> str:
    """The secret a nonce stands for (keyed with SECRET_KEY): a text message keeps the nonce and
    builds the secret only when it is sent (outbox.build_at_delivery)."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"secret:{nonce}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest()[:8], "big")
    chars = [CODE_ALPHABET[(number >> (5 * i)) & 31] for i in range(SECRET_LENGTH)]
    return group("".join(chars))


@dataclasses.dataclass
class Applicant:
    user: object | None
    name: str
    phone: str | None = None


@dataclasses.dataclass
class Receipt:
    case: DisputeCase
    code: str
    secret: str | None  # None when the applicant follows the case with their account


def open_case(
    applicant: Applicant,
    kind: str,
    facts: str,
    wishes: str,
    *,
    other_name: str | None = None,
    other_phone: str | None = None,
    meeting: str = Meeting.ONLINE.value,
    source: str | None = None,
    channel: str = Channel.ONLINE.value,
    risk: bool = False,
    grid_id: int | None = None,
    recorded_by=None,
    hidden_from_other: bool = False,
) -> Receipt:
    """Open a case and put it in the triage queue. The one entry point for every channel: the
    intake form, staff recording a walk-in or a call, a tip turned into a case, a legal question
    (``source`` says where it came from, as text or a link). Returns the case code and, for an
    applicant without an account, the secret (shown once; only its hash is kept)."""
    if kind not in set(DisputeKind):
        raise DisputeError("bad_kind")
    if not (facts or "").strip() or not (wishes or "").strip():
        raise DisputeError("empty")
    name = (applicant.name or getattr(applicant.user, "name", "") or "").strip()
    if not name:
        raise DisputeError("needs_name")
    secret = None if applicant.user is not None else new_secret()
    case = DisputeCase(
        code=group(_random_chars(CODE_LENGTH)),
        kind=kind,
        facts=facts.strip(),
        wishes=wishes.strip(),
        meeting=meeting if meeting in set(Meeting) else Meeting.ONLINE.value,
        status=CaseStatus.RECEIVED.value,
        risk=bool(risk),
        channel=channel,
        source=(source or None) and source[:300],
        grid_id=grid_id,
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    case.parties.append(
        CaseParty(
            side=Side.APPLICANT.value,
            user_id=getattr(applicant.user, "id", None),
            name=name[:100],
            phone=(applicant.phone or getattr(applicant.user, "phone", None) or None),
            secret_hash=hash_secret(secret) if secret else None,
            hidden_from_other=hidden_from_other,
        )
    )
    if (other_name or "").strip() or (other_phone or "").strip():
        case.parties.append(
            CaseParty(
                side=Side.OTHER.value,
                name=((other_name or "").strip() or "?")[:100],
                phone=(other_phone or "").strip()[:32] or None,
            )
        )
    db.session.add(case)
    db.session.flush()
    enqueue(
        KIND,
        case.id,
        subject=case,
        priority=RISK_PRIORITY if case.risk else 0,
        grid_id=case.grid_id,
        assignee_id=responsible_officer(case.grid_id),  # triage by the grid's officer (reassignable)
        actor=recorded_by,
        new_subject=True,
    )
    record(
        None,
        recorded_by or applicant.user,
        "received",
        kind=KIND,
        subject_id=case.id,
        after={"channel": channel},
    )
    if applicant.user is not None:
        notify(applicant.user, "disputes.received", {"code": case.code})
    return Receipt(case=case, code=case.code, secret=secret)


def match_party(code: str, secret: str) -> CaseParty | None:
    """The party whose case code and secret (or invitation code) these are; compares in constant
    time, and an unknown code costs the same as a wrong secret."""
    rows = db.session.execute(
        sa.select(CaseParty.id, CaseParty.secret_hash)
        .join(DisputeCase)
        .where(DisputeCase.code == normalise(code))
    ).all()
    given = hash_secret(secret)
    found = None
    for row in rows or [(None, "0" * 64)]:
        if hmac.compare_digest(row[1] or "0" * 64, given) and row[0] is not None:
            found = row[0]
    return db.session.get(CaseParty, found) if found else None


def file_dir() -> Path:
    return Path(current_app.config["PHOTO_DIR"]) / "disputes"


def add_file(
    case: DisputeCase, name: str, data: bytes, *, party=None, user=None, purpose="evidence"
) -> CaseFile:
    """Store an evidence file: a photo re-encoded from its pixels (no EXIF, GPS, XMP, ICC), or a
    PDF within DISPUTE_MAX_FILE_BYTES. A mediator's own file is shared with the parties at once."""
    cfg = current_app.config
    count = db.session.scalar(sa.select(sa.func.count()).where(CaseFile.case_id == case.id))
    if count >= cfg["DISPUTE_MAX_FILES"]:
        raise DisputeError("too_many_files", n=cfg["DISPUTE_MAX_FILES"])
    if len(data) > cfg["DISPUTE_MAX_FILE_BYTES"]:
        raise DisputeError("file_too_large", mb=cfg["DISPUTE_MAX_FILE_BYTES"] // (1024 * 1024))
    directory = file_dir()
    if is_pdf(data):
        try:
            data = clean_pdf(data)  # no author, software or XMP metadata: only the pages
        except DocumentError:
            raise DisputeError("not_a_file", mb=cfg["DISPUTE_MAX_FILE_BYTES"] // (1024 * 1024)) from None
        directory.mkdir(parents=True, exist_ok=True)
        file_name, media = f"{secrets.token_urlsafe(18)}.pdf", "pdf"
        (directory / file_name).write_bytes(data)
        size = len(data)
    else:
        try:
            stored = process_photo(
                data,
                directory,
                max_bytes=cfg["DISPUTE_MAX_FILE_BYTES"],
                max_pixels=cfg["MAX_IMAGE_PIXELS"],
                max_side=cfg["PHOTO_MAX_SIDE"],
                thumb_side=cfg["THUMB_MAX_SIDE"],
                read_gps=False,
                max_decode_pixels=cfg["MAX_DECODE_PIXELS"],
            )
        except PhotoError as exc:
            code = "file_too_large" if exc.code == "too_large" else "not_a_file"
            raise DisputeError(code, mb=cfg["DISPUTE_MAX_FILE_BYTES"] // (1024 * 1024)) from None
        file_name, media, size = stored.file_name, "image", stored.size_bytes
    row = CaseFile(
        case_id=case.id,
        party_id=getattr(party, "id", None),
        uploaded_by_id=getattr(user, "id", None),
        file_name=file_name,
        media=media,
        purpose=purpose,
        size_bytes=size,
        shared=party is None and purpose == "evidence",
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row
