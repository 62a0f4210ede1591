"""Extra questions per category: admins set them, the tip form asks them (without JS too), the
answers are validated and stored, and staff read them in the queue."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.moderation.models import QueueItem
from tipboard.tips.models import CategoryQuestion, Tip


def _form(category, **extra):
    data = {
        "category": str(category.id),
        "description": "E-bikes charged in the stairwell",
        "address": "Old Street 7",
    }
    data["anonymous"] = "y"
    data.update(extra)
    return data


def test_continue_shows_the_questions_and_saves_nothing(client, asking_category):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Tip))
    blank = client.get("/tips/new").get_data(as_text=True)
    assert "Where in the building?" not in blank and 'name="show_questions"' in blank
    page = client.post("/tips/new", data=_form(asking_category, show_questions="1"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Where in the building?" in html and 'name="q-where"' in html and 'value="flat"' in html
    assert "Please answer this question." not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == before
    prefilled = client.get(f"/tips/new?category={asking_category.id}").get_data(as_text=True)
    assert "How many e-bikes?" in prefilled


def test_the_form_refuses_a_missing_or_wrong_answer(client, asking_category):
    missing = client.post("/tips/new", data=_form(asking_category))
    assert missing.status_code == 400 and "Please answer this question." in missing.get_data(as_text=True)
    wrong = client.post("/tips/new", data=_form(asking_category, **{"q-where": "flat", "q-ebikes": "lots"}))
    assert wrong.status_code == 400 and "Please give a number." in wrong.get_data(as_text=True)
    # The answer given stays checked for the correction.
    assert 'value="flat" checked' in wrong.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


def test_answers_are_stored_and_staff_see_them_in_the_queue(client, asking_category, users, login):
    response = client.post("/tips/new", data=_form(asking_category, **{"q-where": "flat", "q-ebikes": "2"}))
    assert response.status_code == 302
    tip = db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first()
    assert {a.question.code: a.value for a in tip.answers} == {"where": "flat", "ebikes": "2"}
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
    )
    staff = client.application.test_client()
    login(staff, users["staff"])
    html = staff.get(f"/moderation/item/{item.id}").get_data(as_text=True)
    assert "Where in the building?" in html and "Inside a flat" in html
    users["staff"].locale = "zh_Hans"
    db.session.commit()
    chinese = staff.get(f"/moderation/item/{item.id}").get_data(as_text=True)
    assert "在楼内什么位置？" in chinese and "室内" in chinese


def test_a_switched_off_question_is_not_asked(client, asking_category):
    for question in db.session.scalars(sa.select(CategoryQuestion)):
        question.active = False
    db.session.commit()
    assert client.post("/tips/new", data=_form(asking_category)).status_code == 302


def test_admins_add_a_multiple_choice_question_in_both_languages(client, users, login, asking_category):
    login(client, users["admin"])
    url = f"/admin/categories/{asking_category.id}/questions/new"
    no_choices = client.post(
        url, data={"code": "kinds", "text_en": "What?", "text_zh": "什么？", "kind": "multi"}
    )
    assert no_choices.status_code == 400
    taken = client.post(url, data={"code": "where", "text_en": "Again?", "text_zh": "再？", "kind": "text"})
    assert taken.status_code == 400
    response = client.post(
        url,
        data={
            "code": "kinds",
            "text_en": "What is stored there?",
            "text_zh": "存放了什么？",
            "kind": "multi",
            "choices": "bikes|E-bikes|电动车\nbatteries|Batteries|电池",
            "required": "y",
            "active": "y",
            "sort_order": "5",
        },
    )
    assert response.status_code == 302
    listing = client.get(f"/admin/categories/{asking_category.id}/questions").get_data(as_text=True)
    assert "What is stored there?" in listing
    body = client.get("/open311/v2/services/fire-hazard.json").get_json()
    kinds = next(a for a in body["attributes"] if a["code"] == "kinds")
    assert kinds["datatype"] == "multivaluelist" and [v["key"] for v in kinds["values"]] == [
        "bikes",
        "batteries",
    ]
    # Several choices are accepted; one not offered is not.
    data = _form(asking_category, **{"q-where": "corridor", "q-kinds": ["bikes", "batteries"]})
    assert client.post("/tips/new", data=data).status_code == 302
    tip = db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first()
    assert {a.question.code: a.value for a in tip.answers}["kinds"] == "bikes\nbatteries"
    bad = _form(asking_category, **{"q-where": "corridor", "q-kinds": ["bikes", "cats"]})
    assert client.post("/tips/new", data=bad).status_code == 400


def test_residents_and_staff_cannot_edit_questions(client, users, login, asking_category):
    for role in ("resident", "staff"):
        login(client, users[role])
        assert client.get(f"/admin/categories/{asking_category.id}/questions").status_code == 403
        response = client.post(
            f"/admin/categories/{asking_category.id}/questions/new",
            data={"code": "x", "text_en": "x", "text_zh": "x", "kind": "text"},
        )
        assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CategoryQuestion)) == 2


def test_the_questions_speak_chinese(client, asking_category):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    html = client.post("/tips/new", data=_form(asking_category, show_questions="1")).get_data(as_text=True)
    assert "按此类别继续" in html and "在楼内什么位置？" in html and "室内" in html and "（必答）" in html
    missing = client.post("/tips/new", data=_form(asking_category)).get_data(as_text=True)
    assert "请回答此问题。" in missing


def test_continue_sends_once_the_questions_are_shown(client, asking_category):
    """Enter in a text field presses the form's first button ("Continue"): once the chosen
    category's questions are on the page, it sends the report."""
    data = _form(
        asking_category, show_questions="1", questions_of=str(asking_category.id), **{"q-where": "flat"}
    )
    assert client.post("/tips/new", data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 1
