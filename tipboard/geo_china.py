"""WGS-84 (GPS, photos, the database) to GCJ-02 (the datum of Amap/Gaode tiles) and back.

GCJ-02 shifts points in mainland China by up to a few hundred metres; a marker drawn on Amap tiles
at its WGS-84 position lands beside the place. This is the standard published transform (the
Krasovsky ellipsoid and series below, as in googollee/eviltransform); the inverse is found by
iteration to well under a metre. tipboard/static/js/app.js does the same in the browser, where the
map is drawn and clicked; tests/main/test_maps.py checks both against published reference values.
"""

from __future__ import annotations

import math

A = 6378245.0  # Krasovsky 1940 semi-major axis, as the transform defines it
EE = 0.00669342162296594323  # its first eccentricity squared


def out_of_china(lat: float, lon: float) -> bool:
    """Outside the rough box the transform applies to (points there are not shifted)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += common
    d_lon += common
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((A * (1 - EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _delta(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float, tolerance: float = 1e-9) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 position is (lat, lon): fixed-point iteration from the
    one-step guess (converges in a few rounds; 1e-9 degrees is about 0.1 mm)."""
    if out_of_china(lat, lon):
        return lat, lon
    w_lat, w_lon = lat, lon
    for _round in range(30):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        e_lat, e_lon = g_lat - lat, g_lon - lon
        if abs(e_lat) < tolerance and abs(e_lon) < tolerance:
            break
        w_lat, w_lon = w_lat - e_lat, w_lon - e_lon
    return w_lat, w_lon
