"""Languages: choosing one per request, and the translation catalogues.

The language is the user's setting, then the ``lang`` cookie-session value set by the switch on
every page, then the browser's Accept-Language, then the default (Chinese).

Catalogues are kept per package: the core (``tipboard/translations``: shared templates and
modules) and one per blueprint (``tipboard/<blueprint>/translations``, covering the package and
``templates/<blueprint>/``), so a blueprint brings its own texts and Flask-Babel merges them.
``flask tipboard i18n update`` extracts and merges; ``compile`` builds the ``.mo`` files.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract as babel_extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import current_app, has_request_context, request, session
from flask_login import current_user

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR.parent / "templates"
TRANSLATED_LOCALES = ("zh_Hans",)
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "N_plural": (1, 2),
}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    for value, _quality in request.accept_languages:
        tag = value.lower().replace("_", "-")
        if tag.startswith("zh"):
            return "zh_Hans"
        if tag.startswith("en"):
            return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def language_choices() -> list[tuple[str, str]]:
    """The languages the app offers (config LANGUAGES), each named in itself: ("zh_Hans", "中文")."""
    return [(code, _native_name(code)) for code in current_app.config["LANGUAGES"]]


@functools.cache
def _native_name(code: str) -> str:
    locale = Locale.parse(code)
    return locale.get_language_name(locale) or code


@dataclasses.dataclass
class CatalogueSpec:
    name: str
    directory: Path  # .../translations
    sources: list[Path]  # files to extract from


def _blueprint_packages() -> list[Path]:
    return sorted(
        p.parent
        for p in PACKAGE_DIR.glob("*/__init__.py")
        if (p.parent / "views.py").exists() or (p.parent / "translations").exists()
    )


def catalogue_specs() -> list[CatalogueSpec]:
    specs = []
    blueprint_dirs = _blueprint_packages()
    owned_templates = set()
    for package in blueprint_dirs:
        templates = TEMPLATE_DIR / package.name
        sources = sorted(package.rglob("*.py")) + sorted(templates.rglob("*.html"))
        owned_templates.add(templates)
        specs.append(CatalogueSpec(package.name, package / "translations", sources))
    core_sources = sorted(PACKAGE_DIR.glob("*.py")) + sorted(
        p for p in TEMPLATE_DIR.rglob("*.html") if not any(t in p.parents for t in owned_templates)
    )
    specs.insert(0, CatalogueSpec("core", PACKAGE_DIR / "translations", core_sources))
    return specs


def translation_directories() -> str:
    """The value for BABEL_TRANSLATION_DIRECTORIES (absolute paths, ';'-separated)."""
    return ";".join(str(spec.directory) for spec in catalogue_specs())


def extract(spec: CatalogueSpec) -> Catalog:
    catalog = Catalog(project="tipboard", charset="utf-8")
    for path in spec.sources:
        method = "python" if path.suffix == ".py" else "jinja2"
        options = {"extensions": "jinja2.ext.do", "trimmed": "true"} if method == "jinja2" else {}
        with path.open("rb") as fh:
            for lineno, message, comments, context in babel_extract(
                method, fh, keywords=KEYWORDS, options=options
            ):
                catalog.add(
                    message,
                    None,
                    [(str(path.relative_to(PACKAGE_DIR.parent)), lineno)],
                    auto_comments=comments,
                    context=context,
                )
    return catalog


def po_path(spec: CatalogueSpec, locale: str) -> Path:
    return spec.directory / locale / "LC_MESSAGES" / "messages.po"


def load_po(spec: CatalogueSpec, locale: str) -> Catalog | None:
    path = po_path(spec, locale)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def update_catalogues() -> dict[str, list[str]]:
    """Extract every package's messages and merge them into its catalogues.

    Returns the untranslated message ids per catalogue.
    """
    missing = {}
    for spec in catalogue_specs():
        template = extract(spec)
        for locale in TRANSLATED_LOCALES:
            catalog = load_po(spec, locale)
            if catalog is None:
                if not len(template):
                    continue
                catalog = Catalog(locale=locale, project="tipboard", charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path = po_path(spec, locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, sort_output=False)
            missing[f"{spec.name}/{locale}"] = [m.id for m in catalog if m.id and not _translated(m)]
    return missing


def untranslated() -> dict[str, list[str]]:
    """Messages in the code that lack a translation, per catalogue (without writing anything)."""
    missing = {}
    for spec in catalogue_specs():
        template = extract(spec)
        for locale in TRANSLATED_LOCALES:
            catalog = load_po(spec, locale) or Catalog(locale=locale)
            gaps = [m.id for m in template if m.id and not _translated(catalog.get(m.id, m.context))]
            if gaps:
                missing[f"{spec.name}/{locale}"] = gaps
    return missing


def _translated(message) -> bool:
    if message is None:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def compile_catalogues() -> int:
    count = 0
    for spec in catalogue_specs():
        for locale in TRANSLATED_LOCALES:
            path = po_path(spec, locale)
            if not path.exists():
                continue
            mo = path.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime:
                continue
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
            count += 1
    return count
