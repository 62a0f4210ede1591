"""The installable web app: the manifest, the service worker (served from the root, so its scope
is the whole site) and /favicon.ico. The worker keeps the tip form, its script and styles for
use with no connection; tipboard/static/js/tip-form.js keeps the reports written offline."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import current_app, jsonify, render_template, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from tipboard.main import bp
from tipboard.permissions import public

# What the tip form needs with no connection (besides the form page itself).
OFFLINE_STATIC = (
    "css/site.css",
    "js/tip-form.js",
    "js/app.js",
    "icons/icon-192.png",
)
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-192.png", "192x192", "maskable"),
    ("icons/maskable-512.png", "512x512", "maskable"),
)


@functools.cache
def _static_version(static_folder: str) -> str:
    """Changes whenever a cached file changes, so a new worker replaces the old cache."""
    digest = hashlib.sha256()
    for name in OFFLINE_STATIC:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
@public
def manifest():
    locale = get_locale()
    station = current_app.config["STATION_NAME_ZH" if locale and locale.language == "zh" else "STATION_NAME"]
    response = jsonify(
        name=_("tipboard") + " · " + station,
        short_name=_("tipboard"),
        description=_("Report a hazard or tip to the station, also with no connection."),
        start_url=url_for("main.index"),
        scope="/",
        display="standalone",
        background_color="#f7f8fa",
        theme_color="#0b5cad",
        icons=[
            {"src": url_for("static", filename=path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    offline_page = url_for("tips.new")
    body = render_template(
        "main/sw.js",
        version=_static_version(current_app.static_folder),
        offline_page=offline_page,
        precache=[offline_page, *(url_for("static", filename=name) for name in OFFLINE_STATIC)],
        push_script=url_for("static", filename="js/push-sw.js"),
        push_available=(Path(current_app.static_folder) / "js" / "push-sw.js").exists(),
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new version of the worker is seen at once
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/favicon.ico")
@public
def favicon():
    return send_from_directory(Path(current_app.static_folder) / "icons", "favicon.ico", max_age=86400)
