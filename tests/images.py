"""Test images made on the fly (no binary fixtures needed)."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter

GPS_LAT = (31, 57, 7.2)  # 31.952 N
GPS_LON = (119, 57, 36.0)  # 119.96 E


def jpeg_with_gps(size=(64, 48), color=(200, 30, 30), lat=GPS_LAT, lon=GPS_LON) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", tuple(float(v) for v in lat)
    gps[3], gps[4] = "E", tuple(float(v) for v in lon)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"secret comment")
    return buffer.getvalue()


def png(size=(32, 32), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else 0).save(buffer, "PNG")
    return buffer.getvalue()


def webp(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 0, 255)).save(buffer, "WEBP")
    return buffer.getvalue()


def heic(size=(32, 32)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(buffer, "HEIF")
    return buffer.getvalue()


def pixel_flood_png(width=30000, height=30000) -> bytes:
    """A tiny file that claims a huge image: the header is all we need to refuse it."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def pdf_with_metadata(author="Resident Secretname", pages=1) -> bytes:
    """A real PDF whose document information names its author and software."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Producer": "Scanner Pro 9", "/Title": "evidence"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
