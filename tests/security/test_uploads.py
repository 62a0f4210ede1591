"""Bad uploads are refused with a message (or 413), never a 500, and memory stays bounded."""

from __future__ import annotations

import io
import resource
import tracemalloc
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory
from tests.security.images import heif_image
from tipboard.extensions import db
from tipboard.tips.models import Tip

CORPUS = Path(__file__).resolve().parent / "corpus"
MAY_BE_SANITISED = {"polyglot.jpg"}  # a real image: accepted only as re-encoded pixels
MEMORY_LIMIT = 200 * 1024 * 1024


@pytest.fixture
def category(app_ctx):
    category = CategoryFactory()
    db.session.flush()
    return category


def _submit(client, category, data: bytes, name: str):
    return client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Loose paving stones near the bus stop",
            "address": "No. 3 Example Street",
            "anonymous": "y",
            "contact_preference": "inbox",
            "photos": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def _stored_bytes(app) -> bytes:
    return b"".join(p.read_bytes() for p in Path(app.config["PHOTO_DIR"]).rglob("*") if p.is_file())


def test_corpus_is_present():
    assert len(list(CORPUS.iterdir())) >= 9


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir()))
def test_bad_file_is_refused(app, client, category, name):
    data = (CORPUS / name).read_bytes()
    tips_before = db.session.scalar(sa.select(sa.func.count()).select_from(Tip))
    tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        response = _submit(client, category, data, name)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    assert response.status_code < 500, name
    assert peak < MEMORY_LIMIT, (name, peak)
    assert rss_growth < MEMORY_LIMIT, (name, rss_growth)
    if name in MAY_BE_SANITISED and response.status_code == 302:
        stored = _stored_bytes(app)
        assert b"polyglot-payload" not in stored and b"PK\x03\x04" not in stored
        return
    assert response.status_code in (400, 413), (name, response.status_code)
    if response.status_code == 400:
        page = response.get_data(as_text=True)
        assert 'class="error' in page or "error" in page, name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == tips_before


def test_oversized_photo_is_refused_with_a_message(client, category, monkeypatch, app):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 64 * 1024)
    data = (CORPUS / "polyglot.jpg").read_bytes()[:2] + b"\xff" * (100 * 1024)
    response = _submit(client, category, data, "big.jpg")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


def test_oversized_request_gets_413(client, category, monkeypatch, app):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 32 * 1024)
    response = _submit(client, category, b"\xff\xd8" + b"\x00" * (64 * 1024), "huge.jpg")
    assert response.status_code == 413


def test_heic_photo_is_accepted(app, client, category):
    response = _submit(client, category, heif_image(), "IMG_0002.HEIC")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    tip = db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first()
    assert tip is not None and len(tip.photos) == 1
