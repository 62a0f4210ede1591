"""Every value in the reader's language: audit values as words and money (not codes and fen),
response templates in the language of whoever reads the list."""

from flask import g, render_template_string

from tipboard.extensions import db
from tipboard.moderation.models import ResponseTemplate

AUDIT = '{% from "_macros.html" import audit_value %}{{ key|code_label }}: {{ audit_value(key, old) }} → {{ audit_value(key, new) }}'


def render_audit(app, lang, key, old, new):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        g.pop("_flask_babel", None)  # the language of this request, not a cached one
        return render_template_string(AUDIT, key=key, old=old, new=new)


def test_amounts_in_the_audit_trail_are_money(app):
    assert render_audit(app, "en", "amount_fen", 5000, 12050) == "amount: ¥50.00 → ¥120.50"
    assert render_audit(app, "zh-CN", "amount_fen", None, 800) == "金额: — → ¥8.00"


def test_codes_in_the_audit_trail_are_words(app):
    assert render_audit(app, "en", "status", "proposed", "approved") == "status: proposed → approved"
    assert render_audit(app, "zh-CN", "status", "open", "closed") == "状态: 待处理 → 已完成"


def test_response_templates_are_listed_in_the_readers_language(client, app_ctx, users, login):
    db.session.add(
        ResponseTemplate(
            title="Fixed",
            body_zh="已经修好了，谢谢您的举报。",
            body_en="It is fixed, thank you.",
            active=True,
        )
    )
    db.session.flush()
    login(client, users["admin"])
    english = client.get("/moderation/templates", headers={"Accept-Language": "en"}).data.decode()
    assert "It is fixed, thank you." in english and "已经修好了" not in english
