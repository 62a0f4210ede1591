"""Staff on a phone see the demo's suggested patrol points on the map and in the list, filter the
map by time band, and accept one (edited) or dismiss one with a reason; in Chinese and English."""

from __future__ import annotations

import pytest

from tests.e2e.harness import axe_violations, phone_page, shot
from tests.e2e.test_station_flow import sign_in

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_staff_decide_on_a_suggested_point(live_server, browser, lang):
    page = phone_page(browser, lang)
    base = live_server.url
    sign_in(page, base, "staff")
    page.goto(base + "/patrols/hotspots")
    cards = page.locator("li.hotspot")
    before = cards.count()
    assert before >= 1
    page.wait_for_selector("#hotspots-map .leaflet-interactive")
    markers = page.locator("#hotspots-map path.leaflet-interactive[stroke='#c0392b']")
    assert markers.count() == before
    page.locator("input[name=band-view][value=night]").check()
    hidden = page.locator("#hotspots-map path.leaflet-interactive[stroke-opacity='0']").count()
    night = sum(1 for i in range(before) if cards.nth(i).get_attribute("data-night") != "0")
    assert hidden == before - night
    shot(page, f"hotspots-{lang}")
    assert axe_violations(page) == []
    first = cards.first
    if lang == "en":
        first.locator("a.button").click()
        page.wait_for_load_state()
        page.fill("input[name=name_en]", "Night market corner")
        page.fill("input[name=name_zh]", "夜市拐角")
        page.fill("textarea[name=hours]", "19:00-22:00")
        assert axe_violations(page) == []
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert "/patrols/points/" in page.url and "Night market corner" in page.content()
        page.goto(base + "/patrols/points/" + page.url.split("/points/")[1].split("/")[0] + "/templates")
        assert "19:00" in page.content()
    else:
        first.locator("textarea[name=reason]").fill("停车场内，物业已有保安")
        first.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "不采纳" in page.content()
    page.goto(base + "/patrols/hotspots")
    assert page.locator("li.hotspot").count() == before - 1
    page.context.close()
