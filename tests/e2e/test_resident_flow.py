"""Step 1 and 6 of the browser walk-through: a resident reports a hazard anonymously on a phone,
keeps the code and secret, and follows the report on the tracking page; in Chinese and English.
Axe-core runs on every resident page on the way."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.e2e.harness import axe_violations, phone_page, shot

pytestmark = pytest.mark.slow

RESIDENT_PAGES = {
    "home": "/",
    "tip-form": "/tips/new",
    "public-list": "/tips/public",
    "login": "/auth/login",
    "register": "/auth/register",
    "track": "/tips/track",
}


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "hazard.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (180, 60, 20)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def report_hazard_anonymously(
    page,
    base_url: str,
    photo_path,
    address: str,
    lang: str,
    description: str = "Loose manhole cover outside the school gate",
) -> dict:
    """Step 1: fill in the tip form with a photo and a typed address; read the receipt."""
    page.goto(base_url + "/tips/new")
    select = page.locator("select[name=category]")
    values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    select.select_option(values[0])
    page.fill("textarea[name=description]", description)
    page.fill("input[name=address]", address)
    page.set_input_files("input[name=photos]", str(photo_path))
    assert page.locator("input[name=anonymous]").is_checked()
    shot(page, f"1-{lang}-tip-form-filled")
    page.locator("#tip-form button.primary[type=submit]").click()  # not "Continue with this category"
    page.wait_for_url("**/tips/receipt")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert code and secret
    shot(page, f"1-{lang}-receipt")
    return {"code": code, "secret": secret}


def open_tracking_page(page, base_url: str, receipt: dict, lang: str) -> None:
    """Step 1 (end): a new visit to the tracking page with the code and secret."""
    page.context.clear_cookies()
    page.goto(base_url + "/tips/track")
    page.fill("input[name=code]", receipt["code"])
    page.fill("input[name=secret]", receipt["secret"])
    page.locator("#track-form button[type=submit]").click()
    page.wait_for_url(f"**/tips/track/{receipt['code']}")
    assert receipt["code"] in page.content()
    shot(page, f"1-{lang}-tracking-page")


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_resident_reports_and_tracks(live_server, browser, photo, lang):
    page = phone_page(browser, lang)
    try:
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang").lower().startswith(lang[:2])
        receipt = report_hazard_anonymously(page, live_server.url, photo, "No. 7 Old Street", lang)
        problems = {"receipt": axe_violations(page)}
        open_tracking_page(page, live_server.url, receipt, lang)
        problems["tracking-page"] = axe_violations(page)
        assert not any(problems.values()), problems
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
@pytest.mark.parametrize("name", sorted(RESIDENT_PAGES))
def test_resident_pages_have_no_serious_a11y_violations(live_server, browser, lang, name):
    page = phone_page(browser, lang)
    try:
        response = page.goto(live_server.url + RESIDENT_PAGES[name])
        assert response.status == 200
        shot(page, f"a11y-{lang}-{name}")
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_axe_harness_reports_violations(browser):
    """The a11y check can fail: a page with an unlabeled input and an image without alt."""
    page = browser.new_page()
    try:
        page.set_content('<html><body><input type="text"><img src="x.png"></body></html>')
        found = {v["id"] for v in axe_violations(page)}
        assert {"label", "image-alt"} <= found
    finally:
        page.close()
