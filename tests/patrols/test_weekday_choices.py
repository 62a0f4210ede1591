"""The patrol forms name the days of the week from Babel's locale data, in the reader's language,
Monday first, with the stored values "0".."6"; what is submitted is unchanged."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.factories import GridFactory, UserFactory
from tipboard.extensions import db
from tipboard.patrols.availability import add_slot
from tipboard.patrols.forms import AvailabilityForm, TemplateForm
from tipboard.patrols.models import Availability, PatrolPoint, ShiftTemplate
from tipboard.permissions import Role

DAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "zh_Hans": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}
VALUES = ["0", "1", "2", "3", "4", "5", "6"]


def _select_options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)


def _checkboxes(html: str, name: str) -> list[tuple[str, str]]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"[^>]*> <span>([^<]*)</span>', html)


def _point() -> PatrolPoint:
    point = PatrolPoint(name_en="School gate", lat=31.95, lon=119.96, grid_id=GridFactory().id)
    db.session.add(point)
    db.session.flush()
    return point


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_availability_day_list_is_in_the_readers_language(client, login, patrol, locale):
    volunteer = patrol["volunteers"][0]
    volunteer.locale = locale
    add_slot(volunteer.id, 6, dt.time(8), dt.time(10))
    db.session.commit()
    login(client, volunteer)
    html = client.get("/patrols/profile").data.decode()
    assert _select_options(html, "weekday") == list(zip(VALUES, DAYS[locale]))
    # the saved slot, in its edit form, named the same way
    saved = re.search(r'<select[^>]*name="slot\d+-weekday"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.search(rf"<option[^>]*selected[^>]*>{DAYS[locale][6]}</option>", saved)
    assert 'value="08:00"' in html and 'value="10:00"' in html
    other = DAYS["zh_Hans" if locale == "en" else "en"]
    assert not any(f">{name}<" in html for name in other)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_template_day_checkboxes_are_in_the_readers_language(client, login, app_ctx, locale):
    point = _point()
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,), locale=locale))
    html = client.get(f"/patrols/points/{point.id}/templates").data.decode()
    assert _checkboxes(html, "weekdays") == list(zip(VALUES, DAYS[locale]))


def test_day_names_come_from_babel_for_each_form_in_its_own_language(app_ctx):
    """Built per form from the request's language, not once at import time, and not from our
    catalogues: a language with no tipboard catalogue still gets its own day names."""
    seen = {}
    for locale in ("zh_Hans", "en", "de"):
        with force_locale(locale):
            seen[locale] = (AvailabilityForm().weekday.choices, TemplateForm().weekdays.choices)
    german = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]
    for locale, names in (("zh_Hans", DAYS["zh_Hans"]), ("en", DAYS["en"]), ("de", german)):
        select, checkboxes = seen[locale]
        assert select == checkboxes == list(zip(VALUES, names)), locale
        assert all(type(label) is str for _value, label in select), locale


def test_a_chinese_reader_still_adds_availability_by_day_number(client, login, patrol):
    volunteer = patrol["volunteers"][0]
    volunteer.locale = "zh_Hans"
    db.session.commit()
    login(client, volunteer)
    response = client.post(
        "/patrols/profile/availability", data={"weekday": "6", "start_time": "18:00", "end_time": "21:00"}
    )
    assert response.status_code == 302
    for bad in ("7", "周日", "Sun", ""):
        page = client.post(
            "/patrols/profile/availability",
            data={"weekday": bad, "start_time": "08:00", "end_time": "09:00"},
            follow_redirects=True,
        )
        assert page.status_code == 200 and "请填写星期以及结束晚于开始的时间段。" in page.data.decode(), bad
    slots = db.session.scalars(sa.select(Availability).where(Availability.user_id == volunteer.id)).all()
    assert [(s.weekday, s.start_time, s.end_time) for s in slots] == [(6, dt.time(18), dt.time(21))]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_a_template_is_saved_with_the_days_ticked(client, login, app_ctx, locale):
    point = _point()
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,), locale=locale))
    url = f"/patrols/points/{point.id}/templates"
    form = {
        "shift_type": "patrol",
        "start_time": "19:00",
        "end_time": "21:00",
        "min_volunteers": "2",
        "max_volunteers": "4",
        "requires_leader": "y",
    }
    assert client.post(url, data={**form, "weekdays": ["6", "0"]}).status_code == 302
    for bad in (["0", "9"], ["周一"], []):
        refused = client.post(url, data={**form, "weekdays": bad})
        assert refused.status_code == 400, bad
        days = re.search(
            r"<fieldset[^>]*>\s*<legend>[^<]*</legend>(.*?)</fieldset>", refused.data.decode(), re.S
        )
        error = re.search(r'<p class="error" id="weekdays-error">([^<]+)</p>', days.group(1))
        assert error, bad
        if bad == ["0", "9"]:  # WTForms' own message, which its Chinese catalogue lacks (tipboard.forms)
            assert (
                error.group(1)
                == {
                    "en": "&#39;9&#39; is not a valid choice for this field.",
                    "zh_Hans": "“9” 不是此字段的有效选项。",
                }[locale]
            )
    templates = db.session.scalars(sa.select(ShiftTemplate).where(ShiftTemplate.point_id == point.id)).all()
    assert [t.weekdays for t in templates] == [[6, 0]]
