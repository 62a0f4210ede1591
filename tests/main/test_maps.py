"""Maps for mainland China: tile presets by setting, and WGS-84 <-> GCJ-02 for Amap's tiles,
checked against the reference values published with the standard transform
(googollee/eviltransform's tests). The browser's copy of the transform is checked against the
same values in tests/e2e/test_maps_browser.py."""

import json

import pytest

from tipboard import create_app
from tipboard.geo_china import gcj02_to_wgs84, out_of_china, wgs84_to_gcj02
from tipboard.maptiles import map_options

# (WGS-84 lat, lon) -> (GCJ-02 lat, lon): Shanghai, Shenzhen, Beijing.
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize("wgs,gcj", REFERENCE)
def test_wgs84_to_gcj02_matches_the_published_values(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize("wgs,gcj", REFERENCE)
def test_gcj02_to_wgs84_finds_the_point_back_to_a_millimetre(wgs, gcj):
    assert gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-8)  # 1e-8 degrees: about 1 mm


def test_the_shift_is_hundreds_of_metres_in_china_and_none_outside():
    lat, lon = wgs84_to_gcj02(31.95, 119.96)  # the station
    assert 0.001 < abs(lat - 31.95) + abs(lon - 119.96) < 0.02
    assert out_of_china(51.5, -0.12) and wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)


def make(tmp_path, **settings):
    overrides = {"DATABASE_URL": "sqlite://", "PHOTO_DIR": str(tmp_path), "INSTANCE_DIR": str(tmp_path)}
    return create_app("test", overrides={**overrides, **settings})


def options(app, lang):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        return map_options(app.config)


def test_osm_is_the_default_and_keeps_the_configured_url(tmp_path):
    app = make(tmp_path)
    assert app.config["MAP_TILE_URL"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert options(app, "en")["datum"] == "wgs84" and options(app, "en")["labels"] == ""


def test_tianditu_needs_a_key_and_labels_in_the_readers_language(tmp_path):
    with pytest.raises(RuntimeError, match="TIANDITU_KEY"):
        make(tmp_path, MAP_TILES="tianditu")
    app = make(tmp_path, MAP_TILES="tianditu", TIANDITU_KEY="k123")
    assert "T=vec_w" in app.config["MAP_TILE_URL"] and "tk=k123" in app.config["MAP_TILE_URL"]
    assert "T=cva_w" in options(app, "zh-CN")["labels"] and "T=eva_w" in options(app, "en")["labels"]
    assert options(app, "en")["datum"] == "wgs84" and options(app, "en")["subdomains"] == "01234567"
    csp = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tianditu.gov.cn" in csp


def test_amap_draws_in_gcj02_and_its_tiles_are_allowed(tmp_path):
    app = make(tmp_path, MAP_TILES="amap")
    assert options(app, "zh-CN")["datum"] == "gcj02"
    csp = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "https://*.is.autonavi.com" in csp


def test_an_unknown_preset_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="MAP_TILES"):
        make(tmp_path, MAP_TILES="google")


def test_zoom_buttons_are_named_in_the_readers_language(tmp_path):
    app = make(tmp_path)
    assert options(app, "zh-CN")["zoomIn"] == "放大" and options(app, "en")["zoomOut"] == "Zoom out"


def test_pages_carry_the_map_options(client):
    html = client.get("/tips/public", headers={"Accept-Language": "zh-CN"}).data.decode()
    start = html.index("data-map='") + len("data-map='")
    data = json.loads(html[start : html.index("'", start)])
    assert data["zoomIn"] == "放大" and data["datum"] == "wgs84"


def test_the_sign_in_request_is_in_the_readers_language(client):
    response = client.get("/inbox", headers={"Accept-Language": "zh-CN"}, follow_redirects=True)
    assert "请先登录再查看此页面。" in response.data.decode()
    response = client.get("/inbox", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Please sign in to see this page." in response.data.decode()
