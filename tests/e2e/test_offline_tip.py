"""The tip form with no connection, on a 360 px phone: the page and its scripts come from the
service worker's cache, a report written offline (with a photo) is kept on the phone across a
reload and a closed tab, and is sent when the link returns, with the receipt shown then; the tip
is stored exactly once."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.harness import LOCALES, shot
from tests.e2e.test_resident_flow import photo  # noqa: F401

pytestmark = pytest.mark.slow

SMALL_PHONE = {"width": 360, "height": 740}


def small_phone(browser, lang="en"):
    context = browser.new_context(
        viewport=SMALL_PHONE,
        locale=LOCALES[lang],
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
        service_workers="allow",
    )
    return context.new_page()


def stored_tips(server, description: str) -> list[tuple[int, int]]:
    """(tip id, photo count) of the tips with this description, read from the server's database."""
    with sqlite3.connect(server.tmp / "e2e.sqlite3") as db:
        return db.execute(
            "SELECT tip.id, (SELECT count(*) FROM tip_photo WHERE tip_photo.tip_id = tip.id) FROM tip "
            "WHERE description = ?",
            (description,),
        ).fetchall()


def wait_for_worker(page) -> None:
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000
    )


def fill_report(page, photo_path, description: str) -> None:
    select = page.locator("select[name=category]")
    values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    select.select_option(values[0])
    page.fill("textarea[name=description]", description)
    page.fill("input[name=address]", "No. 7 Old Street, by the gate")
    if photo_path:
        page.set_input_files("input[name=photos]", str(photo_path))


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_report_written_offline_is_sent_once_when_the_link_returns(live_server, browser, photo, lang):  # noqa: F811
    description = f"E2E offline {lang}: broken street light at the bus stop"
    page = small_phone(browser, lang)
    context = page.context
    try:
        page.goto(live_server.url + "/tips/new")
        wait_for_worker(page)  # installed: the form, its script and styles are kept
        context.set_offline(True)
        page.reload()
        assert page.locator("#tip-form").count() == 1  # from the worker's cache
        assert page.evaluate("navigator.onLine") is False
        fill_report(page, photo, description)
        page.locator("#tip-form button.primary[type=submit]").click()
        status = page.locator("#offline-status")
        status.wait_for(state="visible")
        assert "/tips/new" in page.url
        shot(page, f"offline-{lang}-queued")

        page.reload()  # still offline: the report waits on the phone
        status.wait_for(state="visible")
        assert stored_tips(live_server, description) == []

        context.set_offline(False)
        page.wait_for_url("**/tips/receipt", timeout=20000)
        assert page.locator("#tracking-code").inner_text().strip()
        assert page.locator("#tracking-secret").inner_text().strip()
        shot(page, f"offline-{lang}-receipt")

        page.goto(live_server.url + "/tips/new")  # nothing is sent twice, nothing is left over
        page.wait_for_timeout(1500)
        assert "/tips/new" in page.url and page.locator("#offline-status").is_hidden()
        [(_tip_id, photos)] = stored_tips(live_server, description)
        assert photos == 1
    finally:
        context.close()


def test_a_half_written_report_survives_closing_the_tab(live_server, browser, photo):  # noqa: F811
    description = "E2E draft: the railing on the footbridge is loose"
    page = small_phone(browser)
    context = page.context
    try:
        page.goto(live_server.url + "/tips/new")
        fill_report(page, photo, description)
        page.wait_for_timeout(800)  # the draft is saved a moment after typing stops
        page.close()
        page = context.new_page()
        page.goto(live_server.url + "/tips/new")
        page.wait_for_function(
            "document.querySelector('textarea[name=description]').value.length > 0", timeout=10000
        )
        assert page.input_value("textarea[name=description]") == description
        assert page.input_value("input[name=address]") == "No. 7 Old Street, by the gate"
        assert page.evaluate("document.querySelector('input[name=photos]').files.length") == 1
        page.locator("#tip-form button.primary[type=submit]").click()
        page.wait_for_url("**/tips/receipt")
        [(_tip_id, photos)] = stored_tips(live_server, description)
        assert photos == 1
        # The receipt page forgets the kept report a moment after it shows (app.js); a form opened
        # before that would send it again (stored once) and show the receipt instead.
        page.wait_for_function("window.tipboardReports.get('draft').then(function (d) { return !d; })")
        page.goto(live_server.url + "/tips/new")  # the receipt cleared the kept report
        page.wait_for_timeout(1000)
        assert page.input_value("textarea[name=description]") == ""
    finally:
        context.close()


def test_a_report_whose_answer_was_lost_is_sent_again_and_stored_once(live_server, browser):
    """The station stores the report but the answer never reaches the phone (the link drops): the
    next visit to the form sends it again under the same key, the station recognises it, and the
    receipt is shown; the database holds one tip. (Without a photo: Playwright's route.fetch()
    drops multipart file bodies.)"""
    description = "E2E lost answer: the zebra crossing paint is gone"
    context = browser.new_context(
        viewport=SMALL_PHONE, locale=LOCALES["en"], bypass_csp=True, service_workers="block"
    )
    page = context.new_page()
    lost = []

    def lose_the_answer(route):
        if route.request.method == "POST" and not lost:
            answer = route.fetch(max_redirects=0)  # the station gets it and stores it...
            assert answer.status == 302, answer.status
            lost.append(True)
            route.abort("connectionreset")  # ...and the answer is lost on the way back
        else:
            route.continue_()

    try:
        page.goto(live_server.url + "/tips/new")
        fill_report(page, None, description)
        page.route("**/tips/new", lose_the_answer)
        page.locator("#tip-form button.primary[type=submit]").click()
        page.wait_for_timeout(1500)
        assert lost and len(stored_tips(live_server, description)) == 1
        page.unroute("**/tips/new")
        page.goto(live_server.url + "/tips/new")
        page.wait_for_url("**/tips/receipt", timeout=20000)
        assert page.locator("#tracking-secret").inner_text().strip()
        assert len(stored_tips(live_server, description)) == 1
    finally:
        context.close()
