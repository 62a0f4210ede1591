"""Photo intake: identify by content, refuse bombs, re-encode without metadata, thumbnail.

Everything a phone camera attaches (EXIF with GPS, XMP, comments, ICC profiles with device
names) is dropped by building a new image from the pixels alone. The GPS position can be read
first, and only when the reporter agreed that it may fill in the tip's location.
"""

from __future__ import annotations

import dataclasses
import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

from tipboard.errors import Refusal

register_heif_opener()

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
# Magic numbers checked before Pillow parses anything, so a script or an HTML page renamed .jpg
# never reaches a decoder.
_SIGNATURES = (
    (b"\xff\xd8\xff", 0),  # JPEG
    (b"\x89PNG\r\n\x1a\n", 0),  # PNG
    (b"WEBP", 8),  # RIFF....WEBP
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}

GPS_IFD = 0x8825


class PhotoError(Refusal):
    """A photo that is refused; ``code`` picks the message the reporter reads."""


@dataclasses.dataclass
class StoredPhoto:
    file_name: str
    thumb_name: str
    width: int
    height: int
    size_bytes: int
    gps: tuple[float, float] | None


def _looks_like_image(head: bytes) -> bool:
    for magic, offset in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return True
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _gps_from_exif(image: Image.Image) -> tuple[float, float] | None:
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # malformed EXIF is common and never fatal: we just have no position
        return None
    try:
        lat = _dms_to_degrees(gps[2], gps.get(1, "N"))
        lon = _dms_to_degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def _dms_to_degrees(dms, ref) -> float:
    degrees, minutes, seconds = (float(x) for x in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode(errors="ignore")
    return -value if str(ref).upper().startswith(("S", "W")) else value


def process_photo(
    data: bytes,
    directory: Path,
    *,
    max_bytes: int,
    max_pixels: int,
    max_side: int,
    thumb_side: int,
    read_gps: bool,
    max_decode_pixels: int | None = None,
) -> StoredPhoto:
    """Validate ``data`` and store a clean copy and a thumbnail in ``directory``.

    Decode cost is bounded before anything is decoded: the header's size (``Image.open`` reads
    only the header) is checked against ``max_pixels``, and what decoding will hold against
    ``max_decode_pixels`` (see :func:`_decode_cost`; a JPEG decodes at 1/2, 1/4 or 1/8 scale through
    ``draft``, so a large JPEG costs what its reduced size costs). After decoding, the image is
    shrunk in place first: one working copy at a time.
    """
    if not data:
        raise PhotoError("empty")
    if len(data) > max_bytes:
        raise PhotoError("too_large")
    if not _looks_like_image(data[:16]):
        raise PhotoError("not_an_image")
    max_decode_pixels = min(max_decode_pixels or max_pixels, max_pixels)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoError("not_an_image")
            width, height = probe.size
            if width * height > max_pixels or width <= 0 or height <= 0:
                raise PhotoError("too_many_pixels")
            if probe.format == "JPEG":
                probe.draft("RGB", (max_side, max_side))  # decode at the smallest scale still >= max_side
            if _decode_cost(probe) > max_decode_pixels:
                raise PhotoError("too_many_pixels")
            # Only now: a PNG's EXIF may follow its pixels, and reading it decodes them.
            gps = _gps_from_exif(probe) if read_gps else None
            exif = probe.getexif()
            clean = _small_pixels_only(probe, max_side, exif.get(ORIENTATION_TAG, 1))
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError("broken") from None

    directory.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_urlsafe(18)
    file_name, thumb_name = f"{stem}.jpg", f"{stem}.t.jpg"
    full_path = directory / file_name
    clean.save(full_path, "JPEG", quality=85, optimize=True)
    thumb = clean.copy()
    thumb.thumbnail((thumb_side, thumb_side))
    thumb.save(directory / thumb_name, "JPEG", quality=75, optimize=True)
    return StoredPhoto(file_name, thumb_name, clean.width, clean.height, full_path.stat().st_size, gps)


def _decode_cost(image: Image.Image) -> int:
    """Pixels decoding and shrinking ``image`` holds at once, from its header: an image with
    transparency counts twice (Pillow shrinks it through a premultiplied full-size copy)."""
    pixels = image.size[0] * image.size[1]
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return pixels * 2 if alpha else pixels


ORIENTATION_TAG = 0x0112
# Modes Pillow cannot resample smoothly (or at all); converted before shrinking.
_CONVERT_BEFORE_SHRINKING = {
    "1": "L",
    "P": "RGBA",
    "PA": "RGBA",
    "I": "L",
    "I;16": "L",
    "F": "L",
    "CMYK": "RGB",
}


def _small_pixels_only(image: Image.Image, max_side: int, orientation: int) -> Image.Image:
    """A new RGB image, at most ``max_side`` on a side and upright, holding nothing but the pixels
    (no info dict, EXIF, XMP or ICC). The decoded image is shrunk in place before anything else,
    so no full-size copy exists beside it."""
    image.load()
    if image.mode in _CONVERT_BEFORE_SHRINKING:
        image = image.convert(_CONVERT_BEFORE_SHRINKING[image.mode])
    image.thumbnail((max_side, max_side))  # in place: reduce() by whole factors, then resample
    method = _TRANSPOSE.get(orientation)
    if method is not None:
        image = image.transpose(method)
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    return clean


# EXIF orientation -> the transpose that makes the image upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def delete_files(directory: Path, *names: str) -> None:
    for name in names:
        (directory / name).unlink(missing_ok=True)
