"""Asking, routing to the lawyers on duty, answering, following up, rating, suggestions; who may
see a question."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from PIL import Image

from tests.factories import UserFactory
from tests.images import jpeg_with_gps, pdf_with_metadata
from tests.legal.conftest import ask_anonymously, keys_for
from tipboard.database import utcnow
from tipboard.events import mediation_requested
from tipboard.extensions import db
from tipboard.legal import questions
from tipboard.legal.errors import LegalError
from tipboard.legal.models import LegalQuestion, QuestionStatus
from tipboard.legal.questions import legal_photo_dir
from tipboard.permissions import Role


def test_anonymous_question_gets_a_code_and_a_hashed_secret_and_goes_to_the_lawyer_on_duty(client, legal):
    question, code, secret = ask_anonymously(client)
    assert question.asker_id is None and question.status == QuestionStatus.OPEN.value
    assert secret.replace("-", "") not in question.secret_hash and len(question.secret_hash) == 64
    assert [link.user_id for link in question.lawyers] == [legal["on"].id]
    assert "legal.new_question" in keys_for(legal["on"]) and keys_for(legal["off"]) == []
    # The receipt is shown once.
    assert client.get("/legal/receipt").status_code == 302


def test_signed_in_question_is_named(client, login, legal):
    resident = legal["users"]["resident"]
    login(client, resident)
    question, _code, _secret = ask_anonymously(client, text="Named question")
    assert question.asker_id == resident.id
    assert client.get("/legal/mine").text.count(question.tracking_code) >= 1
    assert "Named question" in client.get(f"/legal/q/{question.tracking_code}").text  # by account
    login(client, legal["on"])
    assert resident.name in client.get(f"/legal/questions/{question.id}").text


def test_only_the_asker_the_lawyers_on_it_and_supervisors_see_a_question(app, client, login, legal):
    question, code, secret = ask_anonymously(client, text="Secret words about my deposit")
    # The asking browser sees it.
    assert "Secret words" in client.get(f"/legal/q/{code}").text
    # Another browser without the secret gets the code form, and its actions are refused.
    other = app.test_client()
    page = other.get(f"/legal/q/{code}")
    assert page.status_code == 200 and "Secret words" not in page.text
    assert other.post(f"/legal/q/{code}/follow-up", data={"body": "hi"}).status_code == 403
    # ... until it gives the code and the secret.
    assert other.post("/legal/track", data={"code": code, "secret": "0000-0000-0000"}).status_code == 400
    assert other.post("/legal/track", data={"code": code.lower(), "secret": secret}).status_code == 302
    assert "Secret words" in other.get(f"/legal/q/{code}").text
    # The lawyer on it and a supervisor see it; a lawyer not on it and staff do not.
    for user, status in (
        (legal["on"], 200),
        (legal["users"]["supervisor"], 200),
        (legal["off"], 403),
        (legal["users"]["staff"], 403),
        (legal["users"]["resident"], 403),
    ):
        viewer = app.test_client()
        login(viewer, user)
        response = viewer.get(f"/legal/questions/{question.id}")
        assert response.status_code == status, (user.username, response.status_code)
        if status == 200:
            assert "Secret words" in response.text
    # A lawyer not on it cannot reply either.
    stranger = app.test_client()
    login(stranger, legal["off"])
    assert stranger.post(f"/legal/questions/{question.id}/reply", data={"body": "x"}).status_code == 403


def test_answer_ask_back_follow_up_and_rating(app, client, login, legal):
    question, code, _secret = ask_anonymously(client)
    lawyer = app.test_client()
    login(lawyer, legal["on"])
    lawyer.post(f"/legal/questions/{question.id}/reply", data={"body": "How long ago?", "ask_back": "y"})
    db.session.refresh(question)
    assert question.status == QuestionStatus.ASKED_BACK.value
    assert question.first_answer_at is not None and question.first_firm_id == legal["firm_a"].id
    # The asker cannot rate a question back, only an answer... the first reply counts as first answer.
    client.post(f"/legal/q/{code}/follow-up", data={"body": "Two months ago."})
    db.session.refresh(question)
    assert question.status == QuestionStatus.OPEN.value and "legal.follow_up" in keys_for(legal["on"])
    lawyer.post(f"/legal/questions/{question.id}/reply", data={"body": "Ask for it back in writing."})
    db.session.refresh(question)
    assert question.status == QuestionStatus.ANSWERED.value
    assert client.post(f"/legal/q/{code}/rate", data={"stars": "4"}).status_code == 302
    db.session.refresh(question)
    assert question.rating == 4
    page = client.get(f"/legal/q/{code}").text
    assert "How long ago?" in page and "Ask for it back in writing." in page and "Two months ago." in page


def test_rating_needs_an_answer_and_stays_within_five(legal):
    receipt = questions.ask("labour", "Unpaid wages", None)
    try:
        questions.rate(receipt.question, 5)
    except LegalError as exc:
        assert exc.code == "not_answered"
    else:
        raise AssertionError("rated an unanswered question")
    questions.reply(receipt.question, legal["on"], "Go to arbitration.")
    for bad in (0, 6):
        try:
            questions.rate(receipt.question, bad)
        except LegalError:
            pass
        else:
            raise AssertionError(f"rated {bad}")


def test_a_question_nobody_was_on_duty_for_can_be_taken_by_any_lawyer(legal):
    now = utcnow()
    db.session.execute(sa.text("DELETE FROM legal_duty_hours"))
    question = questions.ask("debt", "A loan", None, now=now).question
    assert question.lawyers == []
    assert question in questions.desk(legal["off"])[1]
    questions.take(question, legal["off"])
    assert question.is_lawyer_on(legal["off"])
    try:
        questions.take(question, legal["on"])  # now it has a lawyer and is not overdue
    except LegalError as exc:
        assert exc.code == "cannot_take"
    else:
        raise AssertionError("took a question someone is on")
    # Past its target, another lawyer may take it.
    question.due_at = now - dt.timedelta(minutes=1)
    questions.take(question, legal["on"])
    assert question.is_lawyer_on(legal["on"])


def test_a_resident_cannot_take_a_question(app, login, legal):
    question = questions.ask("debt", "A loan", None).question
    resident = app.test_client()
    login(resident, legal["users"]["resident"])
    assert resident.post(f"/legal/questions/{question.id}/take").status_code == 403
    assert resident.get("/legal/desk").status_code == 403


def test_mediation_consent_sends_the_event_once_with_the_question(app, client, login, legal):
    question, code, _secret = ask_anonymously(client)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    # Before the lawyer suggests it, consent is refused.
    with mediation_requested.connected_to(receiver):
        client.post(f"/legal/q/{code}/mediation")
    assert received == []
    lawyer = app.test_client()
    login(lawyer, legal["on"])
    lawyer.post(f"/legal/questions/{question.id}/reply", data={"body": "Mediation would help."})
    assert lawyer.post(f"/legal/questions/{question.id}/suggest/mediation").status_code == 302
    assert "I agree to mediation" in client.get(f"/legal/q/{code}").text
    with mediation_requested.connected_to(receiver):
        client.post(f"/legal/q/{code}/mediation")
        client.post(f"/legal/q/{code}/mediation")  # a double click
    assert len(received) == 1
    sender, kwargs = received[0]
    assert sender.id == question.id and kwargs["asker"] is None and kwargs["lawyer"].id == legal["on"].id
    db.session.refresh(question)
    assert question.mediation_consented_at is not None


def test_visit_suggestion_links_to_the_office_hours(app, client, login, legal):
    question, code, _secret = ask_anonymously(client)
    lawyer = app.test_client()
    login(lawyer, legal["on"])
    lawyer.post(f"/legal/questions/{question.id}/suggest/visit")
    assert "/legal/office" in client.get(f"/legal/q/{code}").text


def test_photo_is_stored_without_metadata_and_shown_only_to_those_who_may_see(app, client, login, legal):
    question, code, _secret = ask_anonymously(client, photo=(io.BytesIO(jpeg_with_gps()), "contract.jpg"))
    assert question.photo_name and question.thumb_name
    stored = (legal_photo_dir() / question.photo_name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and "icc_profile" not in image.info
    assert client.get(f"/legal/photo/{question.photo_name}").status_code == 200
    assert app.test_client().get(f"/legal/photo/{question.photo_name}").status_code == 403
    stranger = app.test_client()
    login(stranger, legal["off"])
    assert stranger.get(f"/legal/photo/{question.thumb_name}").status_code == 403


def test_not_a_photo_is_a_form_message(client, legal):
    response = client.post(
        "/legal/ask",
        data={"topic": "other", "question": "q", "photo": (io.BytesIO(b"GIF89 junk"), "a.gif")},
    )
    assert response.status_code == 400 and "Only photos" in response.text
    broken = client.post(
        "/legal/ask",
        data={"topic": "other", "question": "q", "photo": (io.BytesIO(b"%PDF-1.4 junk"), "a.pdf")},
    )
    assert broken.status_code == 400 and "This PDF cannot be read" in broken.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalQuestion)) == 0


def test_a_pdf_loses_its_metadata_and_is_seen_only_by_those_on_the_question(app, client, login, legal):
    question, code, _secret = ask_anonymously(
        client, photo=(io.BytesIO(pdf_with_metadata(author="Tenant Secretname")), "lease.pdf")
    )
    assert question.photo_name.endswith(".pdf") and question.thumb_name is None
    kept = (legal_photo_dir() / question.photo_name).read_bytes()
    assert kept.startswith(b"%PDF") and b"Secretname" not in kept and b"Scanner Pro" not in kept
    assert "Attached document (PDF)" in client.get(f"/legal/q/{code}").text
    download = client.get(f"/legal/photo/{question.photo_name}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    stranger = app.test_client()
    login(stranger, legal["off"])
    assert stranger.get(f"/legal/photo/{question.photo_name}").status_code == 403


def test_ask_page_in_chinese(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.get("/legal/ask").text
    assert "咨询律师" in page and "婚姻家庭" in page


def test_bad_topic_is_refused(client):
    assert client.post("/legal/ask", data={"topic": "nope", "question": "x"}).status_code == 400


def test_a_lawyer_outside_any_firm_is_no_lawyer_here(legal):
    stray = UserFactory(roles=(Role.LAWYER,))
    question = questions.ask("other", "q", None).question
    try:
        questions.take(question, stray)
    except LegalError as exc:
        assert exc.code == "not_a_lawyer"
    else:
        raise AssertionError("a lawyer of no firm took a question")
