"""Test images built with Pillow: a JPEG with known GPS EXIF, a HEIF."""

from __future__ import annotations

import io
from fractions import Fraction

from PIL import Image

# 31°13'47.123" N, 121°28'31.987" E: distinctive numbers to search for afterwards.
LAT_DMS = ((31, 1), (13, 1), (47123, 1000))
LON_DMS = ((121, 1), (28, 1), (31987, 1000))
LAT = 31 + 13 / 60 + 47.123 / 3600  # 31.229756...
LON = 121 + 28 / 60 + 31.987 / 3600  # 121.475552...


def jpeg_with_gps(size=(64, 48), color=(200, 80, 40)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "DistinctiveCameraMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = tuple(Fraction(n, d) for n, d in LAT_DMS)
    gps[3] = "E"
    gps[4] = tuple(Fraction(n, d) for n, d in LON_DMS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture itself must carry the GPS
        assert check.getexif().get_ifd(0x8825)[2]
    return data


def heif_image(size=(40, 30)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "HEIF")
    return buffer.getvalue()
