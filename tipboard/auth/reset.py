"""Password reset by a single-use, expiring link sent through the outbox.

The link carries a token; the database keeps only its SHA-256, so a leaked database cannot be
used to reset anyone's password. The message stores a random nonce, and the token is the keyed
hash (SECRET_KEY) of that nonce, rebuilt only when the message is sent: neither the outbox table
nor its log holds a usable link. Requesting a reset never tells whether the account exists (the
page says the same either way). Using a token is one conditional UPDATE (so it works once, even
when submitted many times at once), sets the password, marks every token of that user used and
signs out all of the user's browsers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

import sqlalchemy as sa
from flask import current_app

from tipboard.auth.models import PasswordResetToken, User
from tipboard.auth.services import AuthError, find_by_login, set_password
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.links import external_url
from tipboard.outbox import build_at_delivery, notify

log = logging.getLogger("tipboard.auth")
MESSAGE = "auth.password_reset"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_for(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"password-reset:" + nonce.encode(), hashlib.sha256).hexdigest()


def _link_at_delivery(params: dict) -> dict:
    return {"link": external_url("auth.reset_password", token=_token_for(params["nonce"]))}


build_at_delivery(MESSAGE, _link_at_delivery)


def request_reset(login: str, now: dt.datetime | None = None) -> str | None:
    """Create a token and queue the message that will carry its link.

    Returns the token (for tests) or None when no active account matches; callers must not let
    the difference show."""
    now = now or utcnow()
    user = find_by_login(login)
    if user is None or not user.active:
        log.info("auth.reset_requested account=unknown")
        return None
    nonce = secrets.token_urlsafe(32)
    token = _token_for(nonce)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordResetToken(token_hash=_digest(token), user=user, expires_at=now + dt.timedelta(hours=hours))
    )
    notify(user, MESSAGE, {"hours": hours, "nonce": nonce})
    db.session.flush()
    log.info("auth.reset_requested user=%s", user.id)
    return token


def valid_token(token: str, now: dt.datetime | None = None) -> PasswordResetToken | None:
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _digest(token or ""))
    )
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def reset_password(token: str, new_password: str, now: dt.datetime | None = None) -> User:
    now = now or utcnow()
    row = valid_token(token, now)
    if row is None:
        raise AuthError("bad_reset_token")
    # Claim the token: of many submissions at once, exactly one changes the row.
    claimed = db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AuthError("bad_reset_token")
    user = row.user
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    set_password(user, new_password)  # signs out every browser of this user
    db.session.flush()
    log.info("auth.password_reset user=%s", user.id)
    return user
