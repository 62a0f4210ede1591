"""The base of every form in tipboard.

Flask-WTF translates WTForms' own messages ("Not a valid choice.") by loading the WTForms
catalogue from disk on every request; :class:`Form` keeps one catalogue per language for the
life of the process instead. The few messages WTForms' catalogue leaves untranslated in a
language tipboard speaks (:data:`FILLED_IN`) come from tipboard's own catalogue.
"""

from __future__ import annotations

import functools

from babel import support
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length


@functools.lru_cache(maxsize=8)
def wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def N_(message: str) -> str:
    """Marks a message for extraction into tipboard's catalogue; translated where it is used."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """:func:`N_` for a message with a plural."""
    return singular, plural


# WTForms' messages that its own catalogue leaves untranslated for a language tipboard speaks
# (its Chinese has them fuzzy or empty, so they are not compiled): a tampered choice must not
# answer a Chinese reader in English.
FILLED_IN = frozenset(
    m if isinstance(m, str) else m[0]
    for m in (
        N_("This field cannot be edited."),
        N_("This field is disabled and cannot have a value."),
        N_plural(
            "'%(value)s' is not a valid choice for this field.",
            "'%(value)s' are not valid choices for this field.",
        ),
        N_("Not a valid week value."),
    )
)


class _Catalogue:
    """WTForms' translations object for the request's language."""

    def gettext(self, string: str) -> str:
        text = wtforms_catalogue(str(get_locale())).ugettext(string)
        if text == string and string in FILLED_IN:
            return get_translations().ugettext(string)
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)
        if text in (singular, plural) and singular in FILLED_IN:
            return get_translations().ungettext(singular, plural, n)
        return text


_CATALOGUE = _Catalogue()


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _CATALOGUE


def strip_text(value):
    """A field filter: text without outer spaces, so ``DataRequired`` refuses text of spaces only
    (``InputRequired`` looks at the raw input and lets it through)."""
    return value.strip() if isinstance(value, str) else value


def name_fields() -> tuple[StringField, StringField]:
    """The two fields of a name staff enter in both languages (geo.BilingualName), in a form's
    class body: ``name_zh, name_en = name_fields()``."""
    return (
        StringField(_l("Name (Chinese)"), filters=[strip_text], validators=[DataRequired(), Length(max=100)]),
        StringField(_l("Name (English)"), filters=[strip_text], validators=[DataRequired(), Length(max=100)]),
    )
