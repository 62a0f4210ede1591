"""From the application to the figures, through the app as each person sees it."""

from __future__ import annotations

import datetime as dt
import io
import re

import sqlalchemy as sa
from PIL import Image

from tests.disputes.conftest import english, invitation_from, keys_for
from tests.images import jpeg_with_gps, pdf_with_metadata
from tipboard.database import utcnow
from tipboard.disputes.agreement import _code_for
from tipboard.disputes.followup import ask_due
from tipboard.disputes.intake import file_dir
from tipboard.disputes.models import CaseFile, CaseStatus, DisputeCase, FollowUp, Signature
from tipboard.extensions import db
from tipboard.moderation.services import audit_trail, item_for
from tipboard.outbox import OutboxMessage


def _flashes(client) -> str:
    with client.session_transaction() as sess:
        return " ".join(str(m) for _c, m in sess.get("_flashes", []))


def _apply_anonymously(client, **extra):
    data = {
        "kind": "noise",
        "facts": "Loud music every night after midnight.",
        "wishes": "Quiet after 10 pm.",
        "other_name": "Neighbour Ned",
        "meeting": "online",
        "applicant_name": "Walker Wu",
        "grid": "0",
        **extra,
    }
    response = client.post("/disputes/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.data[:2000]
    page = client.get("/disputes/receipt").get_data(as_text=True)
    code = re.search(r'id="case-code">([^<]+)<', page).group(1)
    secret = re.search(r'id="case-secret">([^<]+)<', page).group(1)
    return db.session.scalar(sa.select(DisputeCase).where(DisputeCase.code == code)), code, secret


def test_an_applicant_without_account_applies_and_follows_by_code_and_secret(app, client, users):
    case, code, secret = _apply_anonymously(
        client, evidence=[(io.BytesIO(jpeg_with_gps()), "p.jpg"), (io.BytesIO(pdf_with_metadata()), "a.pdf")]
    )
    assert case.status == CaseStatus.RECEIVED.value and case.parties[0].user_id is None
    assert case.parties[0].secret_hash and secret.replace("-", "") not in case.parties[0].secret_hash
    files = db.session.scalars(sa.select(CaseFile).where(CaseFile.case_id == case.id)).all()
    assert sorted(f.media for f in files) == ["image", "pdf"]
    document = next(f for f in files if f.media == "pdf")
    kept = (file_dir() / document.file_name).read_bytes()
    assert kept.startswith(b"%PDF") and b"Secretname" not in kept and b"Scanner Pro" not in kept
    photo = next(f for f in files if f.media == "image")
    with Image.open(file_dir() / photo.file_name) as stored:
        assert not stored.getexif() and "comment" not in stored.info  # no GPS, no device, no comment
    # The receipt's browser follows the case; another browser needs the code and secret.
    assert client.get(f"/disputes/case/{code}").status_code == 200
    other = english(app)
    assert other.get(f"/disputes/case/{code}").status_code == 404
    wrong = other.post("/disputes/follow", data={"code": code, "secret": "0000-0000-0000"})
    assert wrong.status_code == 400 and b"do not match" in wrong.data
    assert other.post("/disputes/follow", data={"code": code, "secret": secret}).status_code == 302
    page = other.get(f"/disputes/case/{code}")
    assert page.status_code == 200 and b"Loud music" in page.data


def test_bad_input_gets_a_form_message_and_nothing_is_stored(client, users):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(DisputeCase))
    response = client.post(
        "/disputes/new", data={"kind": "noise", "facts": "", "wishes": "", "meeting": "online"}
    )
    assert response.status_code == 400 and b"Please describe what happened" in response.data
    no_name = client.post(
        "/disputes/new",
        data={
            "kind": "noise",
            "facts": "A long story.",
            "wishes": "Peace.",
            "meeting": "online",
            "grid": "0",
        },
    )
    assert no_name.status_code == 400 and b"the applicant" in no_name.data
    bad_file = client.post(
        "/disputes/new",
        data={
            "kind": "noise",
            "facts": "A long story.",
            "wishes": "Peace.",
            "meeting": "online",
            "grid": "0",
            "applicant_name": "X",
            "evidence": [(io.BytesIO(b"<html>hi</html>"), "x.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert bad_file.status_code == 400 and b"Only photos" in bad_file.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeCase)) == before


def test_staff_record_a_walk_in_with_the_same_form(client, users, login):
    login(client, users["staff"])
    assert b"walk-in" in client.get("/disputes/new").data
    client.post(
        "/disputes/new",
        data={
            "kind": "family",
            "facts": "Brothers quarrel over a flat.",
            "wishes": "Share fairly.",
            "meeting": "station",
            "applicant_name": "Old Mr Ma",
            "applicant_phone": "0571",
            "channel": "walk_in",
            "grid": "0",
        },
    )
    page = client.get("/disputes/receipt").get_data(as_text=True)
    assert 'id="case-secret"' in page  # handed to the applicant on paper
    case = db.session.scalar(sa.select(DisputeCase).order_by(DisputeCase.id.desc()))
    assert case.channel == "walk_in" and case.recorded_by_id == users["staff"].id
    assert case.parties[0].name == "Old Mr Ma" and case.parties[0].user_id is None


def test_whole_journey(app, client, world, login):
    """apply → accept → the other side consents by link → both threads → both confirm → PDF →
    30-day follow-up → figures."""
    applicant_client = login(english(app), world.applicant)
    response = applicant_client.post(
        "/disputes/new",
        data={
            "kind": "noise",
            "facts": "Loud music every night.",
            "wishes": "Quiet after 10 pm.",
            "other_name": "Nobody-with-account",
            "meeting": "online",
            "grid": "0",
        },
    )
    assert response.status_code == 302
    case = db.session.scalar(sa.select(DisputeCase).order_by(DisputeCase.id.desc()))
    assert "disputes.received" in keys_for(world.applicant)

    # Triage: staff accept and assign the mediator, a lawyer and the property manager.
    staff = login(english(app), world.staff)
    item = item_for("dispute", case.id)
    assert staff.get(f"/moderation/item/{item.id}").status_code == 200
    staff.post(
        f"/moderation/item/{item.id}/act/accept",
        data={
            "accept-lead": world.mediator.id,
            "accept-lawyers": [world.lawyer.id],
            "accept-partners": [world.partner.id],
        },
    )
    db.session.expire_all()
    assert case.status == CaseStatus.ACCEPTED.value
    invitation = invitation_from(_flashes(staff))
    assert "disputes.assigned" in keys_for(world.mediator) and "disputes.accepted" in keys_for(
        world.applicant
    )

    # The other side (no account) opens the invitation link and agrees.
    other = english(app)
    assert other.post("/disputes/follow", data={"code": case.code, "secret": invitation}).status_code == 302
    assert b"You are invited to a mediation" in other.get(f"/disputes/case/{case.code}").data
    other.post(f"/disputes/case/{case.code}/consent", data={"agree": "yes"})
    db.session.expire_all()
    assert case.status == CaseStatus.MEDIATING.value

    # Both threads: the joint one all read; each caucus only its party and the mediators.
    mediator = login(english(app), world.mediator)
    applicant_client.post(
        f"/disputes/case/{case.code}/message", data={"thread": "joint", "body": "JOINT-HELLO"}
    )
    applicant_client.post(
        f"/disputes/case/{case.code}/message", data={"thread": "caucus", "body": "APPLICANT-SECRET"}
    )
    other.post(f"/disputes/case/{case.code}/message", data={"thread": "caucus", "body": "OTHER-SECRET"})
    other_party = case.parties[1]
    mediator.post(
        f"/disputes/case/{case.code}/message",
        data={"thread": "caucus", "party": other_party.id, "body": "TO-OTHER"},
    )
    mediator.post(f"/disputes/case/{case.code}/message", data={"thread": "record", "body": "RECORD-NOTE"})
    seen_by_applicant = applicant_client.get(f"/disputes/case/{case.code}").get_data(as_text=True)
    seen_by_other = other.get(f"/disputes/case/{case.code}").get_data(as_text=True)
    seen_by_mediator = mediator.get(f"/disputes/case/{case.code}").get_data(as_text=True)
    assert "JOINT-HELLO" in seen_by_other and "JOINT-HELLO" in seen_by_applicant
    assert "APPLICANT-SECRET" in seen_by_applicant and "APPLICANT-SECRET" not in seen_by_other
    assert "OTHER-SECRET" in seen_by_other and "TO-OTHER" in seen_by_other
    assert "OTHER-SECRET" not in seen_by_applicant and "TO-OTHER" not in seen_by_applicant
    assert "RECORD-NOTE" not in seen_by_applicant + seen_by_other
    assert all(s in seen_by_mediator for s in ("APPLICANT-SECRET", "OTHER-SECRET", "RECORD-NOTE"))
    # A party cannot write into the mediators' record.
    assert (
        applicant_client.post(
            f"/disputes/case/{case.code}/message", data={"thread": "record", "body": "x"}
        ).status_code
        == 403
    )

    # Evidence a party adds is theirs until the mediator shares it.
    other.post(
        f"/disputes/case/{case.code}/evidence",
        data={"file": (io.BytesIO(pdf_with_metadata()), "bill.pdf")},
        content_type="multipart/form-data",
    )
    pdf = db.session.scalar(sa.select(CaseFile).where(CaseFile.case_id == case.id))
    assert applicant_client.get(f"/disputes/case/{case.code}/file/{pdf.id}").status_code == 404
    assert other.get(f"/disputes/case/{case.code}/file/{pdf.id}").status_code == 200
    assert (
        applicant_client.post(
            f"/disputes/case/{case.code}/file/{pdf.id}/share", data={"shared": "1"}
        ).status_code
        == 403
    )
    mediator.post(f"/disputes/case/{case.code}/file/{pdf.id}/share", data={"shared": "1"})
    assert applicant_client.get(f"/disputes/case/{case.code}/file/{pdf.id}").status_code == 200

    # The agreement: the mediator drafts; the applicant confirms online, the other side on paper.
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = mediator.post(
        f"/disputes/case/{case.code}/agreement",
        data={
            "facts": "Music at night.",
            "matters": "Noise; the other side is responsible.",
            "terms": "No music after 10 pm.",
            "performance": "From today.",
            "obligations-0-side": "other",
            "obligations-0-text": "Quiet after 10 pm",
            "obligations-0-due_on": due,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert case.status == CaseStatus.AGREEMENT.value and "disputes.agreement" in keys_for(world.applicant)
    applicant_client.post(f"/disputes/case/{case.code}/agreement/code")
    sent = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == world.applicant.id, OutboxMessage.key == "disputes.sign_code"
        )
    ).one()
    assert "sign_code" not in sent.params  # the code itself is never stored
    one_time = _code_for(sent.params["nonce"])
    wrong_name = applicant_client.post(
        f"/disputes/case/{case.code}/agreement/confirm", data={"typed_name": "Someone", "code": one_time}
    )
    assert "type your name" in _flashes(applicant_client) or wrong_name.status_code == 302
    applicant_client.post(
        f"/disputes/case/{case.code}/agreement/confirm",
        data={"typed_name": "Applicant Ann", "code": one_time},
    )
    signature = db.session.scalar(sa.select(Signature).where(Signature.party_id == case.parties[0].id))
    db.session.refresh(signature)
    assert signature.confirmed_at is not None and signature.method == "online" and signature.code_hash is None
    mediator.post(
        f"/disputes/case/{case.code}/agreement/paper",
        data={"paper-party": other_party.id, "paper-scan": (io.BytesIO(pdf_with_metadata()), "signed.pdf")},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert case.status == CaseStatus.SETTLED.value
    assert "disputes.settled" in keys_for(world.applicant)
    assert b"judicial confirmation" in applicant_client.get(f"/disputes/case/{case.code}").data
    for client_, lang in ((applicant_client, ""), (other, "?lang=en")):
        pdf_response = client_.get(f"/disputes/case/{case.code}/agreement.pdf{lang}")
        assert pdf_response.status_code == 200 and pdf_response.data.startswith(b"%PDF")

    # 30 days later the follow-up job asks; the answer counts in the figures.
    case.settled_at = utcnow() - dt.timedelta(days=31)
    db.session.commit()
    assert ask_due() == 2
    assert db.session.scalars(sa.select(FollowUp.day).where(FollowUp.case_id == case.id)).all() == [30, 30]
    assert "disputes.followup" in keys_for(world.applicant)
    assert b"30 days after the agreement" in other.get(f"/disputes/case/{case.code}").data
    other.post(f"/disputes/case/{case.code}/followup", data={"carried_out": "yes", "came_back": "no"})
    figures = staff.get("/disputes/figures").get_data(as_text=True)
    assert "1 settled, 0 came back within 90 days." in figures

    # The staff's looks at the case are in its audit trail.
    actions = [(e.actor_id, e.action) for e in audit_trail("dispute", case.id)]
    assert (world.mediator.id, "view") in actions and (world.mediator.id, "draft") in actions


def test_a_damaged_or_locked_pdf_is_refused_with_a_reason(client, users):
    page = client.post(
        "/disputes/new",
        data={
            "kind": "noise",
            "facts": "Drums.",
            "wishes": "Quiet.",
            "applicant_name": "Resident",
            "meeting": "online",
            "evidence": [(io.BytesIO(b"%PDF-1.4 not really a pdf"), "broken.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 400 and "PDF" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeCase)) == 0
