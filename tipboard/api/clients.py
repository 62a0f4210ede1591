"""Open311 client keys: issued and revoked by admins, stored as a SHA-256 only, shown once."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from tipboard.api.models import ApiClient
from tipboard.database import utcnow
from tipboard.extensions import db

#: The demo loader's client key; production refuses to start while a demo client exists.
DEMO_KEY = "demo-open311"
KEY_PREFIX = "o311-"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def issue_client(
    name: str, actor=None, *, key: str | None = None, is_demo: bool = False
) -> tuple[ApiClient, str]:
    """A new client and its key (returned once; only its hash is kept)."""
    key = key or KEY_PREFIX + secrets.token_urlsafe(24)
    client = ApiClient(
        name=name.strip()[:100],
        key_hash=hash_key(key),
        key_hint=key[:8],
        is_demo=is_demo,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(client)
    db.session.flush()
    return client, key


def revoke_client(client_id: int) -> bool:
    """Revoke a key; False if it was already revoked (or does not exist)."""
    result = db.session.execute(
        sa.update(ApiClient)
        .where(ApiClient.id == client_id, ApiClient.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.flush()
    return result.rowcount == 1


def client_for_key(key: str | None) -> ApiClient | None:
    """The active client holding this key, or None."""
    if not key or len(key) > 200:
        return None
    return db.session.scalar(
        sa.select(ApiClient).where(ApiClient.key_hash == hash_key(key), ApiClient.revoked_at.is_(None))
    )


def all_clients() -> list[ApiClient]:
    return list(
        db.session.scalars(sa.select(ApiClient).order_by(ApiClient.revoked_at.is_not(None), ApiClient.id))
    )


def demo_client_exists() -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(ApiClient).where(ApiClient.is_demo.is_(True))
        )
    )
