"""Load once, before the web workers fork, what each of them would otherwise load on its first
requests: the compiled templates, the translation catalogues and Babel's locale data for every
language, and SQLAlchemy's configured mappers.

Without it a fresh worker's first page costs several times a later one (compiling templates), and
gunicorn recycles workers (``max_requests``); figures in bench/RESULTS.md ("Preload, warm-up and
gc.freeze"). gunicorn.conf.py calls :func:`warm_up` in the master when the app is preloaded.
Nothing here touches the database or the cache.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import force_locale, format_datetime, get_translations
from sqlalchemy.orm import configure_mappers

from tipboard.forms import wtforms_catalogue


def warm_up(app: Flask) -> dict:
    """Returns what it loaded (for the log line and the test)."""
    configure_mappers()
    env = app.jinja_env
    templates = env.list_templates()
    for name in templates:
        env.get_template(name)
    languages = list(app.config["LANGUAGES"])
    with app.test_request_context("/"):
        for language in languages:
            with force_locale(language):
                get_translations()  # loads (and merges) every package's catalogue
                format_datetime(dt.datetime(2026, 1, 1, 12, 0), "short")  # Babel's locale data
            wtforms_catalogue(language)
    return {"templates": len(templates), "languages": languages}
