"""The mediation agreement (调解协议书): drafted by the mediator with the contents People's
Mediation Law art. 29 asks for, confirmed by each party online (typed name + a one-time code sent
through the outbox, used once by a conditional UPDATE) or on paper (a scan), and printed as a PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from tipboard.database import utcnow
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.models import (
    Agreement,
    CaseParty,
    CaseStatus,
    DisputeCase,
    Obligation,
    Side,
    Signature,
)
from tipboard.disputes.services import case_link
from tipboard.disputes.workflow import KIND, CaseAction, transition
from tipboard.extensions import db
from tipboard.moderation.services import record
from tipboard.outbox import build_at_delivery, notify, notify_phone
from tipboard.pdfdoc import cjk_font
from tipboard.timezones import to_local

JUDICIAL_DAYS = 30  # People's Mediation Law art. 33


@dataclasses.dataclass
class Draft:
    facts: str
    matters: str
    terms: str
    performance: str
    obligations: list[tuple[str, str, dt.date]]  # (side, text, due on)


def draft(case: DisputeCase, data: Draft, actor) -> Agreement:
    """Put an agreement to the parties (a new draft replaces the last, and every confirmation of
    it is void)."""
    if not data.obligations:
        raise DisputeError("no_obligation")
    if not all(x.strip() for x in (data.facts, data.matters, data.terms, data.performance)):
        raise DisputeError("empty")
    transition(case, CaseAction.DRAFT, actor)
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None:
        agreement = Agreement(case_id=case.id)
        db.session.add(agreement)
    agreement.facts, agreement.matters = data.facts.strip(), data.matters.strip()
    agreement.terms, agreement.performance = data.terms.strip(), data.performance.strip()
    agreement.drafted_by_id = actor.id
    agreement.obligations[:] = [
        Obligation(side=s, text=t.strip()[:500], due_on=d) for s, t, d in data.obligations
    ]
    for party in case.parties:  # every earlier confirmation is void: a new text, a new yes
        signature = agreement.signature_of(party)
        if signature is None:
            agreement.signatures.append(Signature(party_id=party.id))
        else:
            signature.code_hash = signature.code_expires_at = signature.typed_name = None
            signature.method = signature.scan_file_id = signature.confirmed_at = None
    db.session.flush()
    for party in case.parties:
        if party.user is not None:
            notify(party.user, "disputes.agreement", {"code": case.code, "link": case_link(case)})
    return agreement


def agreement_of(case: DisputeCase) -> Agreement | None:
    return db.session.scalar(sa.select(Agreement).where(Agreement.case_id == case.id))


def _code_for(nonce: str) -> str:
    """The six digits a nonce stands for: the outbox row keeps the nonce, never the code."""
    key = current_app.config["SECRET_KEY"].encode()
    number = int.from_bytes(hmac.new(key, nonce.encode(), hashlib.sha256).digest()[:8], "big")
    return f"{number % 1_000_000:06d}"


def _hash(signature_id: int, code: str) -> str:
    return hashlib.sha256(f"{signature_id}:{code.strip()}".encode()).hexdigest()


build_at_delivery("disputes.sign_code", lambda stored: {"sign_code": _code_for(stored["nonce"])})


def _open_signature(case: DisputeCase, party: CaseParty) -> Signature:
    agreement = agreement_of(case)
    if agreement is None or case.status != CaseStatus.AGREEMENT.value:
        raise DisputeError("no_agreement")
    signature = agreement.signature_of(party)
    if signature is None:
        raise DisputeError("no_agreement")
    if signature.confirmed_at is not None:
        raise DisputeError("already_signed")
    return signature


def send_code(case: DisputeCase, party: CaseParty) -> None:
    """Send ``party`` a one-time code to confirm the agreement (a new one voids the last)."""
    signature = _open_signature(case, party)
    if party.user is None and not party.phone:
        raise DisputeError("no_account")
    nonce = secrets.token_urlsafe(16)
    minutes = current_app.config["DISPUTE_SIGN_CODE_MINUTES"]
    signature.code_hash = _hash(signature.id, _code_for(nonce))
    signature.code_expires_at = utcnow() + dt.timedelta(minutes=minutes)
    db.session.flush()
    params = {"code": case.code, "nonce": nonce, "minutes": minutes}
    if party.user is not None:
        notify(party.user, "disputes.sign_code", params)
    else:  # a party without an account: to the phone number on the case
        notify_phone(party.phone, "disputes.sign_code", params)


def confirm_online(case: DisputeCase, party: CaseParty, typed_name: str, code: str) -> bool:
    """Confirm with the typed name and the code; the code is used once (a conditional UPDATE: of
    two requests with the same code exactly one wins). Returns True when the case is now settled."""
    signature = _open_signature(case, party)
    if " ".join(typed_name.split()) != " ".join(party.name.split()):
        raise DisputeError("name_mismatch")
    now = utcnow()
    done = db.session.execute(
        sa.update(Signature)
        .where(
            Signature.id == signature.id,
            Signature.confirmed_at.is_(None),
            Signature.code_hash == _hash(signature.id, code or ""),
            Signature.code_expires_at > now,
        )
        .values(confirmed_at=now, code_hash=None, typed_name=typed_name.strip()[:100], method="online")
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise DisputeError("bad_code")
    db.session.refresh(signature)
    record(
        None,
        party.user,
        "confirm",
        kind=KIND,
        subject_id=case.id,
        after={"party": party.id, "method": "online"},
    )
    return _settle_if_complete(case, party.user)


def confirm_on_paper(case: DisputeCase, party: CaseParty, scan_file_id: int, actor) -> bool:
    signature = _open_signature(case, party)
    signature.method, signature.scan_file_id, signature.confirmed_at = "paper", scan_file_id, utcnow()
    db.session.flush()
    record(
        None, actor, "confirm", kind=KIND, subject_id=case.id, after={"party": party.id, "method": "paper"}
    )
    return _settle_if_complete(case, actor)


def _settle_if_complete(case: DisputeCase, actor) -> bool:
    agreement = agreement_of(case)
    db.session.refresh(agreement)
    if any(s.confirmed_at is None for s in agreement.signatures):
        return False
    transition(case, CaseAction.SETTLE, actor)
    until = judicial_deadline(case)
    for party in case.parties:
        if party.user is not None:
            notify(party.user, "disputes.settled", {"code": case.code, "until": until.isoformat()})
    return True


def judicial_deadline(case: DisputeCase) -> dt.date:
    return to_local(case.settled_at).date() + dt.timedelta(days=JUDICIAL_DAYS)


def agreement_pdf(case: DisputeCase, agreement: Agreement, locale: str) -> bytes:
    """The agreement as an A4 PDF, in Chinese or in English."""
    with force_locale(locale):
        return _pdf(case, agreement)


def _pdf(case: DisputeCase, agreement: Agreement) -> bytes:
    locale = get_locale()
    zh = locale is not None and locale.language == "zh"
    station = current_app.config["STATION_NAME_ZH" if zh else "STATION_NAME"]
    font, out = cjk_font(), io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(_("Mediation agreement"))
    width, height = A4
    left, y = 20 * mm, height - 25 * mm

    def line(text: str, size: int = 11, gap: float = 7 * mm) -> None:
        nonlocal y
        for raw in text.splitlines() or [""]:
            for part in simpleSplit(raw, font, size, width - 2 * left) or [""]:
                if y < 25 * mm:
                    pdf.showPage()
                    y = height - 25 * mm
                pdf.setFont(font, size)
                pdf.drawString(left, y, part)
                y -= gap

    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, _("Mediation agreement"))
    y -= 12 * mm
    line(_("Case %(code)s · %(station)s", code=case.code, station=station), size=10)
    line(_("The parties"), size=13, gap=8 * mm)
    for party in case.parties:
        side = _("Applicant") if party.side == Side.APPLICANT.value else _("Other side")
        line(f"{side}: {party.name}  {party.phone or ''}")
    for title, text in (
        (_("Main facts"), agreement.facts),
        (_("Matters in dispute and each side's responsibility"), agreement.matters),
        (_("What the parties agreed"), agreement.terms),
        (_("How and by when it is carried out"), agreement.performance),
    ):
        y -= 3 * mm
        line(title, size=13, gap=8 * mm)
        line(text)
    y -= 3 * mm
    line(_("Obligations"), size=13, gap=8 * mm)
    for ob in agreement.obligations:
        side = _("Applicant") if ob.side == Side.APPLICANT.value else _("Other side")
        line(f"{side}: {ob.text} ({_('by %(date)s', date=format_date(ob.due_on, 'long'))})")
    y -= 3 * mm
    line(_("Confirmations"), size=13, gap=8 * mm)
    for sig in agreement.signatures:
        if sig.confirmed_at is None:
            line(f"{sig.party.name}: {_('not yet confirmed')}")
        else:
            how = _("online, name typed") if sig.method == "online" else _("signed on paper")
            line(f"{sig.party.name}: {how}, {to_local(sig.confirmed_at).strftime('%Y-%m-%d %H:%M')}")
    y -= 3 * mm
    line(
        _(
            "This agreement is binding on the parties (People's Mediation Law art. 31). The parties "
            "may apply together to the people's court for judicial confirmation within 30 days of "
            "its taking effect (art. 33)."
        ),
        size=10,
    )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
