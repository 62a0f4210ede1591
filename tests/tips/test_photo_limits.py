"""Issue 17 item 10: what a photo may cost a worker is bounded before anything is decoded."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.tips.models import PendingUpload, Tip
from tipboard.tips.photos import PhotoError, process_photo


def png_header_only(width: int, height: int, color_type: int = 0) -> bytes:
    """A few hundred bytes claiming a ``width`` x ``height`` PNG (grey: 0, RGB: 2, RGBA: 6)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        png_header_only(6300, 6300),  # the report's near-limit PNG: 39.7 million pixels
        png_header_only(4000, 4000, color_type=6),  # 16 million with transparency counts twice
    ],
    ids=["6300x6300", "transparent-4000x4000"],
)
def test_a_photo_too_costly_to_decode_gets_a_form_message(client, app_ctx, content):
    category = CategoryFactory()
    response = client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Blocked fire exit",
            "address": "Old Street 7",
            "anonymous": "y",
            "photos": [(io.BytesIO(content), "big.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert b"too many pixels to be processed (at most 25 megapixels)" in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


LIMITS = dict(max_bytes=10_000_000, max_pixels=1_000_000, max_side=256, thumb_side=64, read_gps=False)


def test_decode_limit_counts_what_the_decoder_produces(tmp_path):
    """Same 800x600 picture, limit 200,000 decoded pixels: the JPEG decodes at half scale
    (400x300) through draft and passes; the PNG must decode in full and is refused unread."""
    picture = Image.new("RGB", (800, 600), (40, 90, 200))
    stored = process_photo(encoded(picture, "JPEG"), tmp_path, max_decode_pixels=200_000, **LIMITS)
    assert (stored.width, stored.height) == (256, 192)
    with pytest.raises(PhotoError) as refused:
        process_photo(encoded(picture, "PNG"), tmp_path, max_decode_pixels=200_000, **LIMITS)
    assert refused.value.code == "too_many_pixels"
    assert len(list(tmp_path.iterdir())) == 2  # the JPEG's copy and thumbnail, nothing of the PNG


@pytest.mark.parametrize("mode", ["1", "L", "I;16", "P", "P+transparency", "LA", "RGBA", "CMYK"])
def test_every_mode_is_shrunk_to_plain_rgb(tmp_path, mode):
    picture = Image.new(mode.removesuffix("+transparency"), (600, 300))
    options = {"transparency": 0} if mode.endswith("transparency") else {}
    data = encoded(picture, "JPEG" if mode == "CMYK" else "PNG", **options)
    stored = process_photo(data, tmp_path, max_decode_pixels=1_000_000, **LIMITS)
    with Image.open(tmp_path / stored.file_name) as kept:
        assert kept.mode == "RGB" and kept.size == (256, 128) and not kept.getexif()


def test_a_turned_phone_photo_is_stored_upright(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; rotate 90 degrees clockwise to view
    data = encoded(Image.new("RGB", (400, 200), (200, 30, 30)), "JPEG", exif=exif)
    stored = process_photo(data, tmp_path, max_decode_pixels=1_000_000, **LIMITS)
    assert (stored.width, stored.height) == (128, 256)
    with Image.open(tmp_path / stored.file_name) as kept:
        assert kept.size == (128, 256) and not kept.getexif()
