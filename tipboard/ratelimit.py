"""Rate-limit keys that identify a client without keeping its address, and the 429 page.

Flask-Limiter needs a key per client. The raw address would end up in Redis (or in memory),
which an anonymous tipster must not have to trust, so every key is a keyed hash. A public form has
two limits: a tight one per browser (a random id in the signed session cookie) and a generous one
per address (``<SETTING>_ADDRESS``), because a mobile carrier puts a whole neighbourhood behind one
address. Staff at the station desk are limited per account, never per address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import time

from flask import Flask, current_app, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

BROWSER_ID = "rl"  # the session key holding this browser's random id


def _hashed(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return kind + ":" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The client address (hashed): the generous per-address buckets."""
    return hmac.new(
        current_app.config["SECRET_KEY"].encode(), (request.remote_addr or "unknown").encode(), hashlib.sha256
    ).hexdigest()[:32]


def browser_key() -> str:
    """This browser (a random id kept in its signed session cookie): the tight per-browser buckets."""
    browser = session.get(BROWSER_ID)
    if not browser:
        browser = session[BROWSER_ID] = secrets.token_urlsafe(16)
    return _hashed("browser", browser)


def staff_key() -> str:
    """The signed-in account: desk work is limited per person, never per address."""
    return _hashed("user", str(current_user.id)) if current_user.is_authenticated else browser_key()


def api_client_key() -> str:
    """An API client's key or personal token (hashed), whatever it is: a client system is limited
    per key, never per address."""
    key = request.form.get("api_key") or request.headers.get("X-Api-Key") or ""
    key = key or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return _hashed("client", key[:200])


def account_address_key(field: str = "login"):
    """The account named in form ``field`` together with the address: failed sign-ins from one
    address slow down guessing at one account, and cannot keep its owner out from another."""

    def key() -> str:
        account = re.sub(r"[\s\-]", "", (request.form.get(field) or "").lower())
        return _hashed("account", f"{account}|{request.remote_addr or 'unknown'}")

    return key


def limit(setting: str):
    """A limit string read from config at request time (``RATE_TIP_SUBMIT`` ...)."""
    return lambda: current_app.config[setting]


TOO_MANY = _l("Too many attempts")
TOO_MANY_DETAIL = _l(
    "This was sent too often in a short time from this browser or this network, so it was not "
    "accepted this time. Please try again in about %(minutes)s minutes."
)


def retry_minutes() -> int:
    """Minutes until the limit that refused this request lets it through again (at least 1)."""
    limiter = next(iter(current_app.extensions.get("limiter", ())), None)
    try:
        reset_at = limiter.current_limit.reset_at if limiter and limiter.current_limit else None
    except Exception:  # the counter store is away: say "a minute" rather than fail
        reset_at = None
    return max(1, math.ceil((reset_at - time.time()) / 60)) if reset_at else 1


def _too_many(exc):
    if getattr(exc, "response", None) is not None:  # a form that answers its own way (sign-in)
        return exc.response
    message = str(TOO_MANY_DETAIL) % {"minutes": retry_minutes()}
    if (
        request.accept_mimetypes.best == "application/json"
        or request.is_json
        or request.path.startswith("/api/v1/")
    ):
        return {"error": str(TOO_MANY), "detail": message, "message": message}, 429
    return render_template("errors/429.html", title=TOO_MANY, message=message), 429


def init_app(app: Flask) -> None:
    app.register_error_handler(429, _too_many)
