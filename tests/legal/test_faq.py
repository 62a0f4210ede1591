"""The FAQ: proposed with an editable anonymised text, published only with the asker's consent and
a staff check; public, searchable, in both languages where translated."""

from __future__ import annotations

from tests.legal.conftest import ask_anonymously
from tipboard.extensions import db
from tipboard.legal import faq, questions
from tipboard.legal.errors import LegalError
from tipboard.legal.models import FaqStatus


def _answered(client, legal, text="I am Wang Wei of Building 3; my boss owes me wages."):
    question, code, _secret = ask_anonymously(client, text=text, topic="labour")
    questions.reply(question, legal["on"], "Apply for labour arbitration; it is free.")
    db.session.commit()
    return question, code


def test_propose_consent_check_publish_and_search(app, client, login, legal):
    question, code = _answered(client, legal)
    lawyer = app.test_client()
    login(lawyer, legal["on"])
    form = lawyer.get(f"/legal/questions/{question.id}/faq").text
    assert "Wang Wei of Building 3" in form  # the draft starts from the exchange, for editing
    lawyer.post(
        f"/legal/questions/{question.id}/faq",
        data={
            "question": "My employer owes me wages. What can I do?",
            "answer": "Apply for labour arbitration; it is free.",
            "question_translated": "单位拖欠工资怎么办？",
            "answer_translated": "可以申请劳动仲裁，不收费。",
        },
    )
    entry = faq.entry_of(question)
    assert entry.status == FaqStatus.PROPOSED.value
    # Not public yet, and staff cannot publish before the asker agrees.
    assert client.get(f"/legal/faq/{entry.id}").status_code == 404
    staff = app.test_client()
    login(staff, legal["users"]["staff"])
    assert staff.get(f"/legal/faq/{entry.id}/publish").status_code == 404
    # The asker sees exactly the text to be published and agrees.
    page = client.get(f"/legal/q/{code}").text
    assert "My employer owes me wages. What can I do?" in page
    client.post(f"/legal/q/{code}/faq", data={"agree": "yes"})
    db.session.refresh(entry)
    assert entry.status == FaqStatus.CONSENTED.value
    # The lawyer can no longer change the agreed text.
    try:
        faq.propose(question, legal["on"], "changed", "changed")
    except LegalError as exc:
        assert exc.code == "faq_state"
    else:
        raise AssertionError("changed a consented text")
    assert "My employer owes me wages" in staff.get("/legal/faq/review").text
    assert staff.post(f"/legal/faq/{entry.id}/publish").status_code == 302
    db.session.refresh(entry)
    assert entry.status == FaqStatus.PUBLISHED.value and entry.checked_by_id == legal["users"]["staff"].id
    # Public, without the asker's words, searchable in both languages.
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    public = visitor.get(f"/legal/faq/{entry.id}").text
    assert "Wang Wei" not in public and "What can I do?" in public
    assert f"/legal/faq/{entry.id}" in visitor.get("/legal/faq?q=ARBITRATION").text
    assert f"/legal/faq/{entry.id}" in visitor.get("/legal/faq?q=仲裁").text
    assert f"/legal/faq/{entry.id}" not in visitor.get("/legal/faq?q=divorce").text
    assert f"/legal/faq/{entry.id}" not in visitor.get("/legal/faq?q=%25%25").text  # no wildcard
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "单位拖欠工资怎么办？" in visitor.get(f"/legal/faq/{entry.id}").text


def test_the_asker_may_decline(app, client, login, legal):
    question, code = _answered(client, legal)
    entry = faq.propose(question, legal["on"], "Q", "A")
    client.post(f"/legal/q/{code}/faq", data={"agree": "no"})
    db.session.refresh(entry)
    assert entry.status == FaqStatus.DECLINED.value
    try:
        faq.publish(entry, legal["users"]["staff"])
    except LegalError:
        pass
    else:
        raise AssertionError("published a declined entry")


def test_someone_without_the_secret_cannot_consent(app, client, legal):
    question, code = _answered(client, legal)
    entry = faq.propose(question, legal["on"], "Q", "A")
    assert app.test_client().post(f"/legal/q/{code}/faq", data={"agree": "yes"}).status_code == 403
    db.session.refresh(entry)
    assert entry.status == FaqStatus.PROPOSED.value


def test_only_a_lawyer_on_an_answered_question_proposes(app, client, login, legal):
    question, _code, _secret = ask_anonymously(client)
    try:
        faq.propose(question, legal["on"], "Q", "A")
    except LegalError as exc:
        assert exc.code == "not_answered"
    else:
        raise AssertionError("proposed an unanswered question")
    other = app.test_client()
    login(other, legal["off"])
    assert other.get(f"/legal/questions/{question.id}/faq").status_code == 403


def test_residents_cannot_review(app, login, legal):
    resident = app.test_client()
    login(resident, legal["users"]["resident"])
    assert resident.get("/legal/faq/review").status_code == 403
    assert "法律常见问答" in app.test_client().get("/legal/faq").text  # the default language
