"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from babel.dates import get_day_names
from babel.lists import format_list
from flask import Flask, current_app, request
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from tipboard.i18n import language_choices
from tipboard.labels import code_label
from tipboard.links import external_url
from tipboard.nav import visible_items
from tipboard.timezones import to_local


def money_text(fen: int | None) -> str:
    """Integer fen as yuan for people: 1250 -> "¥12.50"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100}.{abs(fen) % 100:02d}"


def weekday_name(value, width: str = "abbreviated") -> str:
    """A weekday (0 = Monday, as stored, or a date) by its name in the reader's language, from
    Babel's locale data: 0 -> "Mon" / "周一"; ``width="wide"`` -> "Monday" / "星期一"."""
    day = value.weekday() if hasattr(value, "weekday") else int(value)
    return get_day_names(width, locale=get_locale() or "en")[day]


def weekday_names(values, width: str = "abbreviated") -> str:
    """Several weekdays, in week order, as a list in the reader's language: "Mon, Tue, and Sat" / "周一、周二和周六"."""
    days = sorted({int(v) for v in values or ()})
    return format_list([weekday_name(d, width) for d in days], locale=get_locale() or "en") if days else ""


def init_app(app: Flask) -> None:
    @app.template_filter("localtime")
    def localtime(value, fmt: str = "short"):
        if value is None:
            return ""
        return format_datetime(to_local(value), fmt)

    app.add_template_filter(money_text, "money")
    app.add_template_filter(code_label, "code_label")
    app.add_template_filter(weekday_name, "weekday_name")
    app.add_template_filter(weekday_names, "weekday_names")
    app.add_template_global(external_url)

    @app.context_processor
    def globals_():
        locale = get_locale()
        return {
            "current_locale": str(locale) if locale else "zh_Hans",
            "html_lang": "zh-Hans" if locale and locale.language == "zh" else "en",
            "station_name": (
                current_app.config["STATION_NAME_ZH"]
                if locale and locale.language == "zh"
                else current_app.config["STATION_NAME"]
            ),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "user_roles": current_user.role_names if current_user.is_authenticated else frozenset(),
            "nav_items": visible_items(current_user),
            "languages": language_choices(),
        }
