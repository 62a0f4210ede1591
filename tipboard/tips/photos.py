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

from PIL import Image, ImageOps, UnidentifiedImageError
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
) -> StoredPhoto:
    """Validate ``data`` and store a clean copy and a thumbnail in ``directory``."""
    if not data:
        raise PhotoError("empty")
    if len(data) > max_bytes:
        raise PhotoError("too_large")
    if not _looks_like_image(data[:16]):
        raise PhotoError("not_an_image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoError("not_an_image")
            width, height = probe.size
            if width * height > max_pixels or width <= 0 or height <= 0:
                raise PhotoError("too_many_pixels")
            gps = _gps_from_exif(probe) if read_gps else None
            probe.load()
            image = ImageOps.exif_transpose(probe)
            clean = _pixels_only(image)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError("broken") from None

    clean.thumbnail((max_side, max_side))
    directory.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_urlsafe(18)
    file_name, thumb_name = f"{stem}.jpg", f"{stem}.t.jpg"
    full_path = directory / file_name
    clean.save(full_path, "JPEG", quality=85, optimize=True)
    thumb = clean.copy()
    thumb.thumbnail((thumb_side, thumb_side))
    thumb.save(directory / thumb_name, "JPEG", quality=75, optimize=True)
    return StoredPhoto(file_name, thumb_name, clean.width, clean.height, full_path.stat().st_size, gps)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new RGB image holding nothing but the pixels (no info dict, EXIF, XMP or ICC)."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        rgb = background
    else:
        rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def delete_files(directory: Path, *names: str) -> None:
    for name in names:
        (directory / name).unlink(missing_ok=True)
