"""Accounts: registration, passwords, login sessions, lockout. No commits here."""

from __future__ import annotations

import logging
import re
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import orm

from tipboard.auth.models import LoginSession, User, UserRole
from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.permissions import Role

log = logging.getLogger("tipboard.auth")

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")


class AuthError(Refusal):
    """A refusal of the account services (messages: auth.views.AUTH_ERRORS)."""


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def normalise_contact(contact: str) -> tuple[str | None, str | None]:
    """Split a "phone or email" field into (email, phone); raise AuthError if it is neither."""
    contact = contact.strip()
    if "@" in contact:
        local, _, domain = contact.rpartition("@")
        if not local or "." not in domain:
            raise AuthError("bad_contact")
        return contact.lower(), None
    if PHONE_RE.match(contact):
        return None, re.sub(r"[ \-]", "", contact)
    raise AuthError("bad_contact")


def find_by_login(login: str) -> User | None:
    login = login.strip()
    if not login:
        return None
    phone = re.sub(r"[ \-]", "", login)
    return db.session.scalar(
        sa.select(User).where(
            sa.or_(User.username == login, User.email == login.lower(), User.phone == phone)
        )
    )


def register_user(
    name: str,
    contact: str,
    password: str,
    *,
    locale: str | None = None,
    roles: tuple[Role, ...] = (Role.RESIDENT,),
    username: str | None = None,
    is_demo: bool = False,
) -> User:
    email, phone = normalise_contact(contact) if contact else (None, None)
    taken = sa.or_(
        User.email == email if email else sa.false(),
        User.phone == phone if phone else sa.false(),
        User.username == username if username else sa.false(),
    )
    if db.session.scalar(sa.select(sa.func.count()).select_from(User).where(taken)):
        raise AuthError("contact_taken")
    user = User(
        name=name.strip(),
        email=email,
        phone=phone,
        username=username,
        password_hash=hash_password(password),
        locale=locale,
        is_demo=is_demo,
    )
    user.roles = [UserRole(role=str(r)) for r in roles]
    db.session.add(user)
    db.session.flush()
    log.info("auth.register user=%s", user.id)
    return user


def choose_language(user: User | None, lang: str | None) -> str | None:
    """A language picked by the switch or on the settings page: None if the app does not offer it;
    otherwise it is remembered on the account (if there is one) and returned for the session."""
    if lang not in current_app.config["LANGUAGES"]:
        return None
    if user is not None and user.locale != lang:
        user.locale = lang
        db.session.flush()
    return lang


def active_staff() -> list[tuple[int, str]]:
    """(id, name) of every active staff member, by name."""
    return [
        (id_, name)
        for id_, name in db.session.execute(
            sa.select(User.id, User.name)
            .join(UserRole)
            .where(UserRole.role == Role.STAFF.value, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    ]


def grant_role(user: User, role: Role) -> None:
    if not user.has_role(role):
        user.roles.append(UserRole(role=str(role)))


def authenticate(login: str, password: str) -> User:
    """Check a login. Every failure is the same refusal, whether or not the account exists; the
    views throttle failures per account and address (config RATE_LOGIN_ACCOUNT) rather than lock
    the account, so a stranger elsewhere cannot keep its owner out."""
    user = find_by_login(login)
    if user is None:
        # Spend the same time as a real check, so timing does not reveal who has an account.
        _hasher().hash(password)
        log.info("auth.login_failed reason=unknown_account")
        raise AuthError("bad_credentials")
    if not verify_password(user, password):
        log.info("auth.login_failed user=%s", user.id)
        raise AuthError("bad_credentials")
    if not user.active:
        log.info("auth.login_refused user=%s reason=inactive", user.id)
        raise AuthError("inactive")
    return user


def start_login_session(user: User) -> LoginSession:
    login_session = LoginSession(token=secrets.token_urlsafe(32), user=user)
    db.session.add(login_session)
    db.session.flush()
    user._login_session = login_session
    log.info("auth.login user=%s", user.id)
    return login_session


def load_login_session(token: str) -> User | None:
    # One statement for the session, its user and the user's roles: every signed-in request asks.
    login_session = (
        db.session.scalars(
            sa.select(LoginSession)
            .where(LoginSession.token == token, LoginSession.revoked_at.is_(None))
            .options(orm.joinedload(LoginSession.user).joinedload(User.roles))
        )
        .unique()
        .first()
    )
    if login_session is None or not login_session.user.active:
        return None
    login_session.user._login_session = login_session
    return login_session.user


def end_login_session(user: User) -> None:
    if user._login_session is not None:
        user._login_session.revoked_at = utcnow()
    log.info("auth.logout user=%s", user.id)


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user, current):
        log.info("auth.password_change_refused user=%s", user.id)
        raise AuthError("bad_current_password")
    set_password(user, new, keep=user._login_session)


def set_password(user: User, new: str, keep: LoginSession | None = None) -> None:
    """Set a new password and sign out every other browser of this user."""
    user.password_hash = hash_password(new)
    db.session.execute(
        sa.update(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.revoked_at.is_(None),
            LoginSession.id != (keep.id if keep else -1),
        )
        .values(revoked_at=utcnow())
    )
    log.info("auth.password_changed user=%s", user.id)
