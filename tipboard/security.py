"""Response headers every page carries, and requests refused before any view sees them (NUL
characters)."""

from __future__ import annotations

import functools
import logging

from flask import Flask, abort, request
from flask_babel import gettext as _

SENSITIVE_PREFIXES = (
    "/tips/track",
    "/tips/receipt",
    "/auth/",
    "/moderation",
    "/rewards",
    "/inbox",
    "/patrols/me",
    "/admin",
)


# Third-party loggers that print what they parse from uploads at DEBUG (Pillow logs every EXIF
# tag, GPS included). They stay at INFO whatever the app's level, so no log holds a tipster's
# photo metadata.
QUIET_LOGGERS = ("PIL", "pillow_heif")


def init_app(app: Flask) -> None:
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(logging.INFO)

    @app.before_request
    def refuse_nul_characters():
        # No field of ours takes a NUL character and a browser never sends one; PostgreSQL can
        # neither store nor compare one (a DataError: a 500), SQLite would store it.
        # Checked before the views: the address, the query string and the form's text fields
        # (uploaded files are bytes and not looked at).
        texts = [request.path, *(value for _name, value in request.args.items(multi=True))]
        if request.method not in ("GET", "HEAD"):
            texts += [value for _name, value in request.form.items(multi=True)]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            abort(
                400,
                description=_("A field holds a NUL character, which cannot be stored. Nothing was saved."),
            )

    @app.after_request
    def set_headers(response):
        headers = response.headers
        # Looked up once: Headers raises (and catches) an exception for each missing name it is asked for.
        present = {name.lower() for name, _value in headers}
        for name, value in (
            ("Content-Security-Policy", content_security_policy(app.config["MAP_TILE_URL"])),
            *SECURITY_HEADERS,
        ):
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(SENSITIVE_PREFIXES):
            headers["Cache-Control"] = "no-store"
        return response


SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"),
)


@functools.lru_cache(maxsize=8)
def content_security_policy(tile_url: str) -> str:
    """Our own scripts, styles and fonts only (no inline script or style: the templates have none,
    tests/security/test_headers.py checks), images also from the map's tile server."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {_origin(tile_url)}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _origin(url: str) -> str:
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    if "{s}" in host:  # a CSP wildcard stands for a whole leftmost label: t{s}.x.cn is *.x.cn
        host = "*." + host.split(".", 1)[1]
    return f"{scheme}://{host}"
