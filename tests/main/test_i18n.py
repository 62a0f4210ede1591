import pytest

from tests.factories import UserFactory
from tipboard.i18n import untranslated


def test_every_user_facing_string_has_a_chinese_translation():
    assert untranslated() == {}, "run `make translations` and fill in the msgstr"


def test_tipboard_translates_what_wtforms_leaves_untranslated_in_chinese():
    """WTForms' Chinese catalogue has a few messages fuzzy or empty (not compiled): each of them
    is in tipboard.forms.FILLED_IN, so a WTForms upgrade that adds one fails here."""
    from pathlib import Path

    from babel.messages.pofile import read_po
    from wtforms.i18n import messages_path

    from tipboard.forms import FILLED_IN

    with (Path(messages_path()) / "zh" / "LC_MESSAGES" / "wtforms.po").open("rb") as fh:
        catalogue = read_po(fh)
    lacking = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and (m.fuzzy or not any(m.string if isinstance(m.string, tuple) else [m.string]))
    }
    assert lacking and lacking <= FILLED_IN


@pytest.mark.parametrize(
    "header,expected",
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
        ("en-GB,en;q=0.9", "en"),
        ("zh-TW", "zh-Hans"),
        ("fr-FR,en;q=0.5", "en"),
        ("fr-FR", "zh-Hans"),
        ("", "zh-Hans"),
    ],
)
def test_accept_language_decides_without_a_choice(app, header, expected):
    client = app.test_client()
    html = client.get("/", headers={"Accept-Language": header}).data.decode()
    assert f'<html lang="{expected}">' in html


def test_cookie_beats_accept_language_and_user_setting_beats_cookie(app, app_ctx, login):
    client = app.test_client()
    client.post("/lang", data={"lang": "en", "next": "/tips/new"})
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).data.decode()
    assert '<html lang="en">' in html and "Report a hazard or tip" in html
    login(client, UserFactory(locale="zh_Hans"))
    html = client.get("/", headers={"Accept-Language": "en"}).data.decode()
    assert '<html lang="zh-Hans">' in html and "举报隐患或线索" in html


def test_language_switch_is_on_every_page_and_returns_to_it(app):
    client = app.test_client()
    for path in ("/", "/tips/new", "/tips/track", "/tips/public", "/auth/login", "/auth/register"):
        html = client.get(path, headers={"Accept-Language": "zh-CN"}).data.decode()
        assert 'action="/lang"' in html and 'value="en"' in html, path
    response = client.post("/lang", data={"lang": "en", "next": "/tips/track"})
    assert response.headers["Location"] == "/tips/track"
    response = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_signed_in_switch_is_saved_on_the_account(app, app_ctx, login):
    from tipboard.extensions import db

    user = UserFactory(locale="en")
    client = app.test_client()
    login(client, user)
    client.post("/lang", data={"lang": "zh_Hans"})
    db.session.refresh(user)
    assert user.locale == "zh_Hans"


def test_tip_form_in_chinese(app):
    html = app.test_client().get("/tips/new", headers={"Accept-Language": "zh-CN"}).data.decode()
    assert "举报隐患或线索" in html and "匿名举报" in html and "提交举报" in html


def test_the_offered_languages_come_from_the_setting(app, app_ctx, login):
    """The switch and the settings page list config LANGUAGES, each named in itself."""
    from tipboard.i18n import language_choices

    assert language_choices() == [("zh_Hans", "中文"), ("en", "English")]
    client = app.test_client()
    login(client, UserFactory(locale="en"))
    settings = client.get("/auth/settings").data.decode()
    assert '<option selected value="en">English</option>' in settings and 'value="zh_Hans">中文' in settings
    switch = client.get("/").data.decode()
    assert 'value="zh_Hans" lang="zh-Hans">中文' in switch and 'name="lang" value="en"' not in switch
    app.config["LANGUAGES"] = ["zh_Hans"]
    try:
        assert language_choices() == [("zh_Hans", "中文")]
        assert 'value="en"' not in client.get("/auth/settings").data.decode()
    finally:
        app.config["LANGUAGES"] = ["zh_Hans", "en"]
