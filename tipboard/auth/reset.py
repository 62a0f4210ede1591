"""Password reset by a single-use, expiring link sent through the outbox.

The link carries a random token; the database keeps only its SHA-256, so a leaked database
cannot be used to reset anyone's password. Requesting a reset never tells whether the account
exists (the page says the same either way). Using a token sets the password, marks every token
of that user used and signs out all of the user's browsers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

import sqlalchemy as sa
from flask import current_app

from tipboard.auth.models import PasswordResetToken, User
from tipboard.auth.services import AuthError, find_by_login, set_password
from tipboard.database import utcnow
from tipboard.extensions import db

log = logging.getLogger("tipboard.auth")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(login: str, link_for, now: dt.datetime | None = None) -> str | None:
    """Create a token and queue the message; ``link_for(token)`` builds the URL.

    Returns the token (for tests) or None when no active account matches; callers must not let
    the difference show."""
    from tipboard.outbox import notify  # local: outbox imports auth models

    now = now or utcnow()
    user = find_by_login(login)
    if user is None or not user.active:
        log.info("auth.reset_requested account=unknown")
        return None
    token = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordResetToken(token_hash=_digest(token), user=user, expires_at=now + dt.timedelta(hours=hours))
    )
    notify(user, "auth.password_reset", {"hours": hours, "link": link_for(token)})
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
    user = row.user
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    set_password(user, new_password)  # signs out every browser of this user
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    log.info("auth.password_reset user=%s", user.id)
    return user
