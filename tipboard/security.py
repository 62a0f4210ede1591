"""Response headers every page carries, the per-request CSP nonce, and requests refused before any
view sees them (NUL characters)."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, abort, g, has_request_context, request
from flask_babel import gettext as _

SENSITIVE_PREFIXES = ("/tips/track", "/tips/receipt", "/auth/", "/moderation", "/rewards",
                      "/inbox", "/patrols/me", "/admin")


def csp_nonce() -> str:
    """One nonce per request. Kept in the WSGI environ, not on ``g``: an app context can outlive
    a request (CLI, tests, a worker that reuses one), and a nonce must never repeat."""
    if not has_request_context():
        if "csp_nonce" not in g:
            g.csp_nonce = secrets.token_urlsafe(16)
        return g.csp_nonce
    return request.environ.setdefault("tipboard.csp_nonce", secrets.token_urlsafe(16))


# Third-party loggers that print what they parse from uploads at DEBUG (Pillow logs every EXIF
# tag, GPS included). They stay at INFO whatever the app's level, so no log holds a tipster's
# photo metadata.
QUIET_LOGGERS = ("PIL", "pillow_heif")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(logging.INFO)

    @app.before_request
    def refuse_nul_characters():
        # No field of ours takes a NUL character and a browser never sends one; PostgreSQL can
        # neither store nor compare one (a DataError, which was a 500), SQLite would store it.
        # Checked before the views: the address, the query string and the form's text fields
        # (uploaded files are bytes and not looked at).
        texts = [request.path, *(value for _name, value in request.args.items(multi=True))]
        if request.method not in ("GET", "HEAD"):
            texts += [value for _name, value in request.form.items(multi=True)]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            abort(400, description=_("A field holds a NUL character, which cannot be stored. "
                                     "Nothing was saved."))

    @app.after_request
    def set_headers(response):
        tile_origin = _origin(app.config["MAP_TILE_URL"])
        policy = [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self'",
            f"img-src 'self' data: {tile_origin}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
        response.headers.setdefault("Content-Security-Policy", "; ".join(policy))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(SENSITIVE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response


def _origin(url: str) -> str:
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    if "{s}" in host:
        host = host.replace("{s}", "*")
    return f"{scheme}://{host}"
