"""Who may use the API: Open311 clients (keys issued by admins) and the tokens of Open311 requests."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tipboard.database import utcnow
from tipboard.extensions import db


class ApiClient(db.Model):
    """An outside system that may post tips through Open311 (a hotline, a district platform).

    Only the key's SHA-256 is stored; the key itself is shown once, when it is issued."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(sa.String(8))  # the key's first characters, to tell keys apart
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Open311Request(db.Model):
    """The token an Open311 client got for a tip it posted; it leads to the tip once published."""

    __tablename__ = "open311_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    tip_id: Mapped[int] = mapped_column(sa.ForeignKey("tip.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_client.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PersonalToken(db.Model):
    """A user's personal access token for /api/v1: it acts for its owner in one of their roles
    (``scope``). Only the token's SHA-256 is stored; the token is shown once."""

    __tablename__ = "personal_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(8))
    scope: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None
