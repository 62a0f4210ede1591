"""The browser's half of the maps for mainland China: app.js's WGS-84 <-> GCJ-02 transform gives
the published reference values, a point picked on the tip form's map is stored in WGS-84 whatever
the tiles' datum, and the zoom buttons speak the reader's language."""

from __future__ import annotations

import json

import pytest

from tests.e2e.harness import phone_page
from tests.main.test_maps import REFERENCE
from tipboard.geo_china import wgs84_to_gcj02

pytestmark = pytest.mark.slow

STATION = (31.95, 119.96)  # config STATION_CENTER: where the form's map opens


def test_browser_transform_matches_the_published_values(live_server, browser):
    page = phone_page(browser, "en")
    try:
        page.goto(live_server.url + "/tips/track")
        for wgs, gcj in REFERENCE:
            there = page.evaluate("([a, b]) => window.tipboardMap.wgsToGcj(a, b)", list(wgs))
            back = page.evaluate("([a, b]) => window.tipboardMap.gcjToWgs(a, b)", list(gcj))
            assert there == pytest.approx(gcj, abs=1e-9) and back == pytest.approx(wgs, abs=1e-8)
    finally:
        page.context.close()


@pytest.mark.parametrize("preset,datum", [("osm", "wgs84"), ("tianditu", "wgs84"), ("amap", "gcj02")])
def test_a_point_picked_on_the_map_is_stored_in_wgs84(live_server, browser, preset, datum):
    """The form's map opens on the station: on GCJ-02 tiles the station is drawn at its GCJ-02
    position, so a tap in the middle of the map is the station itself, stored in WGS-84."""
    page = phone_page(browser, "zh_Hans")
    try:
        page.goto(live_server.url + "/tips/new")
        settings = json.loads(page.evaluate("document.body.dataset.map"))
        settings["datum"] = datum  # what MAP_TILES=<preset> sets (tests/main/test_maps.py)
        page.evaluate("s => { document.body.dataset.map = s; }", json.dumps(settings))
        page.click("#pick-on-map")
        page.wait_for_selector("#map .leaflet-control-zoom-in")
        assert page.get_attribute("#map .leaflet-control-zoom-in", "title") == "放大"
        page.locator("#map").scroll_into_view_if_needed()  # below the fold on a phone
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("document.querySelector('#lat').value !== ''")
        stored = (float(page.input_value("#lat")), float(page.input_value("#lon")))
        assert stored == pytest.approx(STATION, abs=5e-5)  # a pixel at zoom 16 is about 2e-5 degrees
        drawn = page.evaluate(
            "() => { const m = document.querySelector('#map .leaflet-marker-icon'); return !!m; }"
        )
        assert drawn
        if datum == "gcj02":  # the marker sits where the station is on these tiles
            shown = page.evaluate("([a, b]) => window.tipboardMap.toMap(a, b)", list(stored))
            assert shown == pytest.approx(wgs84_to_gcj02(*stored), abs=1e-9)
            assert abs(shown[1] - stored[1]) > 0.002  # hundreds of metres: the shift is applied
    finally:
        page.context.close()
