"""Legal help in the browser at 360 px: a resident asks a lawyer anonymously, the lawyer on duty
answers, the asker follows up by code, the exchange is published as an FAQ entry with the asker's
consent and the station's check, and a resident books Thursday's joint-mediation sitting and gets
the confirmation with its QR code. Axe-core runs on the resident pages."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import LOCALES, axe_violations, shot

pytestmark = pytest.mark.slow
NARROW = {"width": 360, "height": 780}
LAWYERS = ("lawyer", "demo-lawyer2", "demo-lawyer3")


def narrow_page(browser, locale: str = "en"):
    context = browser.new_context(
        viewport=NARROW, locale=LOCALES[locale], bypass_csp=True, is_mobile=True, has_touch=True
    )
    return context.new_page()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], page.url


def sign_in(page, base_url: str, login: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/auth/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "demo-lawyer" if login.startswith("demo-lawyer") else f"demo-{login}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url


def open_as_asker(page, base_url: str, code: str, secret: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/legal/track")
    page.fill("input[name=code]", code)
    page.fill("input[name=secret]", secret)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/legal/q/{code}")


def lawyer_with_the_question(page, base_url: str, code: str) -> str:
    """Signs in as the demo lawyer the question went to (or one who may take it); opens it."""
    for login in LAWYERS:
        sign_in(page, base_url, login)
        page.goto(base_url + "/legal/desk")
        item = page.locator(f'li[data-code="{code}"]')
        if item.count() == 0:
            continue
        if item.locator("a").count():
            item.locator("a").click()
        else:
            item.locator("button[type=submit]").click()
        page.wait_for_url("**/legal/questions/*")
        return login
    raise AssertionError("no demo lawyer has the question on their desk")


def test_ask_answer_follow_up_publish_and_book(live_server, browser):
    base = live_server.url
    page = narrow_page(browser)
    # Ask anonymously.
    page.goto(base + "/legal/ask")
    fits(page)
    assert axe_violations(page) == []
    page.select_option("select[name=topic]", "traffic")
    page.fill("textarea[name=question]", "A scooter hit my bike at the crossing. Who pays for the repair?")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/legal/receipt")
    code = page.locator("#question-code").inner_text().strip()
    secret = page.locator("#question-secret").inner_text().strip()
    shot(page, "legal-1-receipt")
    fits(page)
    # The lawyer on duty answers.
    lawyer_page = narrow_page(browser)
    lawyer_with_the_question(lawyer_page, base, code)
    lawyer_page.fill(
        "textarea[name=body]", "The scooter rider is liable; ask the traffic police for an accident report."
    )
    lawyer_page.locator("main form button[type=submit]").first.click()
    lawyer_page.wait_for_load_state()
    assert "accident report" in lawyer_page.content()
    fits(lawyer_page)
    # The asker follows up by code, on a fresh visit.
    open_as_asker(page, base, code, secret)
    assert "accident report" in page.content()
    page.fill("textarea[name=body]", "Thank you. The rider has no insurance, what now?")
    page.locator('form[action$="/follow-up"] button[type=submit]').click()
    page.wait_for_url(f"**/legal/q/{code}")
    assert "no insurance" in page.content()
    assert axe_violations(page) == []
    # The lawyer proposes the exchange for the FAQ, edited to carry no detail.
    lawyer_page.reload()
    lawyer_page.locator('a[href$="/faq"]').click()
    lawyer_page.fill("textarea[name=question]", "A scooter hit my bike. Who pays?")
    lawyer_page.fill("textarea[name=answer]", "The rider who caused it is liable; get the accident report.")
    lawyer_page.locator("main form button[type=submit]").click()
    lawyer_page.wait_for_url("**/legal/questions/*")
    # The asker sees the exact text and agrees.
    open_as_asker(page, base, code, secret)
    assert "A scooter hit my bike. Who pays?" in page.content()
    page.locator("#faq-consent input[value=yes]").check()
    page.locator("#faq-consent button[type=submit]").click()
    page.wait_for_url(f"**/legal/q/{code}")
    # Staff check and publish it.
    sign_in(lawyer_page, base, "staff")
    lawyer_page.goto(base + "/legal/faq/review")
    lawyer_page.locator("main a", has_text="A scooter hit my bike").click()
    lawyer_page.locator("main form button[type=submit]").click()
    lawyer_page.wait_for_url("**/legal/faq/review")
    page.goto(base + "/legal/faq?q=scooter")
    assert "A scooter hit my bike. Who pays?" in page.content()
    fits(page)
    shot(page, "legal-2-faq")
    # A resident books Thursday's joint-mediation sitting and gets the confirmation.
    sign_in(page, base, "resident")
    page.goto(base + "/legal/office")
    fits(page)
    assert axe_violations(page) == []
    page.locator("li.slot.joint").first.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/legal/booking/[^/]+$"))
    assert page.locator(".qr svg").count() == 1
    assert "joint police and lawyer mediation" in page.content()
    fits(page)
    assert axe_violations(page) == []
    shot(page, "legal-3-booking")
