"""Shared helpers for the production-profile tests: real tips (with photos) in a fresh database."""

from __future__ import annotations

import io

from PIL import Image

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.tips import services


def jpeg_bytes(colour=(200, 30, 30), size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def make_category():
    category = CategoryFactory()
    db.session.commit()
    return category.id


def submit(category_id: int, text: str, photos: int = 0):
    """Submit a tip as the view does (photos pending first) and commit; returns the receipt."""
    token = None
    if photos:
        token = services.accept_photos(
            [(f"p{i}.jpg", jpeg_bytes((i * 40, 80, 120))) for i in range(photos)], None, read_gps=False
        )
    receipt = services.submit_tip(
        services.NewTip(category_id=category_id, description=text, anonymous=True, address="Backup street 1"),
        upload_token=token,
    )
    db.session.commit()
    return receipt
