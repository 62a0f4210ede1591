"""Map tiles by setting. ``MAP_TILES``: ``osm`` (the default: ``MAP_TILE_URL`` as configured),
``tianditu`` (天地图, needs ``TIANDITU_KEY``; labels in the reader's language) or ``amap`` (高德;
its tiles use GCJ-02, so the browser shifts markers onto them and clicks back, see geo_china.py).
tile.openstreetmap.org is slow or unreachable from mainland China; both presets are served there.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

TIANDITU = "https://t{s}.tianditu.gov.cn/DataServer?T=%s&x={x}&y={y}&l={z}&tk=%s"
PRESETS = {
    "tianditu": {
        "MAP_TILE_URL": TIANDITU % ("vec_w", "{key}"),
        "MAP_LABEL_URL": TIANDITU % ("cva_w", "{key}"),  # Chinese labels
        "MAP_LABEL_URL_EN": TIANDITU % ("eva_w", "{key}"),  # English labels
        "MAP_TILE_ATTRIBUTION": "© 天地图 Tianditu",
        "MAP_TILE_SUBDOMAINS": "01234567",
        "MAP_DATUM": "wgs84",  # CGCS2000: within centimetres of WGS-84
    },
    "amap": {
        "MAP_TILE_URL": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "MAP_LABEL_URL": "",
        "MAP_LABEL_URL_EN": "",
        "MAP_TILE_ATTRIBUTION": "© 高德地图 AutoNavi",
        "MAP_TILE_SUBDOMAINS": "1234",
        "MAP_DATUM": "gcj02",
    },
}


def configure(config) -> None:
    """Fill the tile settings from the ``MAP_TILES`` preset (before the headers' CSP reads them)."""
    name = str(config.get("MAP_TILES") or "osm").lower()
    if name == "osm":
        config.setdefault("MAP_LABEL_URL", "")
        config.setdefault("MAP_LABEL_URL_EN", "")
        config.setdefault("MAP_TILE_SUBDOMAINS", "abc")
        config.setdefault("MAP_DATUM", "wgs84")
        return
    if name not in PRESETS:
        raise RuntimeError(f"unknown TIPBOARD_MAP_TILES {name!r}; use osm, tianditu or amap")
    key = config.get("TIANDITU_KEY") or ""
    if name == "tianditu" and not key:
        raise RuntimeError(
            "TIPBOARD_MAP_TILES=tianditu needs TIPBOARD_TIANDITU_KEY (a key from lbs.tianditu.gov.cn)"
        )
    config.update({k: v.replace("{key}", key) for k, v in PRESETS[name].items()})


def map_options(config) -> dict:
    """What the map scripts need besides the tile URL: read from <body data-map> by app.js."""
    locale = get_locale()
    english = locale is not None and locale.language != "zh"
    return {
        "subdomains": config["MAP_TILE_SUBDOMAINS"],
        "labels": config["MAP_LABEL_URL_EN" if english else "MAP_LABEL_URL"],
        "datum": config["MAP_DATUM"],
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
    }


def init_app(app: Flask) -> None:
    @app.context_processor
    def map_settings():
        return {"map_options": lambda: map_options(app.config)}
