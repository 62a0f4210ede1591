"""Personal access tokens for /api/v1: a user makes and revokes their own, each acting in one of
their roles; stored as a SHA-256 only, shown once. ``token_roles_required`` guards API routes."""

from __future__ import annotations

import secrets
from functools import wraps

import sqlalchemy as sa
from flask import g, jsonify, request

from tipboard.api.clients import hash_key
from tipboard.api.models import PersonalToken
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db

TOKEN_PREFIX = "tbp-"
MAX_TOKENS = 20  # live tokens per user


class TokenError(Refusal):
    """A refusal of the token services (messages: api.account.TOKEN_ERRORS)."""


def issue_token(user: User, name: str, scope: str) -> tuple[PersonalToken, str]:
    """A new token acting as ``user`` in the role ``scope`` (one the user holds), and its text."""
    if scope not in user.role_names:
        raise TokenError("bad_scope")
    live = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PersonalToken)
        .where(PersonalToken.user_id == user.id, PersonalToken.revoked_at.is_(None))
    )
    if live >= MAX_TOKENS:
        raise TokenError("too_many")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(
        user_id=user.id, name=name.strip()[:100], token_hash=hash_key(raw), hint=raw[:8], scope=scope
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_token(user_id: int, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if it is not theirs or already revoked."""
    result = db.session.execute(
        sa.update(PersonalToken)
        .where(
            PersonalToken.id == token_id, PersonalToken.user_id == user_id, PersonalToken.revoked_at.is_(None)
        )
        .values(revoked_at=utcnow())
    )
    db.session.flush()
    return result.rowcount == 1


def tokens_of(user: User) -> list[PersonalToken]:
    return list(
        db.session.scalars(
            sa.select(PersonalToken)
            .where(PersonalToken.user_id == user.id)
            .order_by(PersonalToken.revoked_at.is_not(None), PersonalToken.id.desc())
        )
    )


def token_for(raw: str) -> PersonalToken | None:
    """The live token with this text whose owner is active and still holds the token's role."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(
        sa.select(PersonalToken).where(
            PersonalToken.token_hash == hash_key(raw), PersonalToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active or token.scope not in token.user.role_names:
        return None
    return token


def problem(status: int, error: str, message: str):
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


def bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def token_roles_required(*roles):
    """Admit a request carrying a personal token (``Authorization: Bearer ...``) whose role is one
    of ``roles``. A session cookie is never a credential here, so these routes need no CSRF token.
    The token's user is ``g.api_user``."""
    allowed = frozenset(str(r) for r in roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = token_for(bearer())
            if token is None:
                return problem(401, "unauthorized", "A valid personal access token is required.")
            if token.scope not in allowed:
                return problem(403, "forbidden", "This token's role may not use this route.")
            g.api_user = token.user
            return view(*args, **kwargs)

        wrapped.access_roles = allowed
        return wrapped

    return decorator
