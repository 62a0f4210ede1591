"""Every page of every role on a 360 px phone: at most two rows of header, nothing wider than the
screen, tap targets at least 44 x 44 px, and no serious or critical axe-core violation.

Pages are found as a person finds them: the menu, then the links on those pages (one level
further), same-site GET pages only."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.e2e.harness import LOCALES, axe_violations, shot
from tests.e2e.test_station_flow import sign_in

pytestmark = pytest.mark.slow

WIDTH = 360
ROLES = ["anonymous", "resident", "volunteer", "leader", "staff", "supervisor", "admin"]
MAX_PAGES = 40  # per role: the menu's pages and the first links on each
SKIP = re.compile(
    r"^/(static/|lang|auth/logout|favicon|manifest|sw\.js)|\.(csv|ics|svg|png|jpe?g|webp|json)$|/export"
)

# Rows of header: the distinct vertical positions of its controls (closed menu).
HEADER_ROWS = """() => {
  const header = document.querySelector('header.top');
  const tops = [];
  for (const el of header.querySelectorAll('a, button, summary')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest('details:not([open]) > :not(summary)')) continue;
    if (!tops.some(t => Math.abs(t - r.top) < 12)) tops.push(r.top);
  }
  return {rows: tops.length, height: Math.round(header.getBoundingClientRect().height)};
}"""

# Controls smaller than 44 x 44 px. A link inside running text is exempt (WCAG 2.5.8 "inline");
# a check box or radio counts by its label; the map's own tiles are not controls.
SMALL_TARGETS = """() => {
  const small = [];
  const inText = el => {
    const parent = el.parentElement;
    if (getComputedStyle(el).display !== 'inline') return false;
    return [...parent.childNodes].some(n => n !== el && n.nodeType === 3 && n.textContent.trim());
  };
  for (let el of document.querySelectorAll('a[href], button, summary, select, input:not([type=hidden]), textarea')) {
    if (el.closest('.skip') || el.closest('.leaflet-tile-pane') || el.closest('.leaflet-control-attribution')) continue;
    if (el.closest('details:not([open]) > :not(summary)')) continue;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) el = el.closest('label');
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (el.tagName === 'A' && inText(el)) continue;
    if (r.width < 43.5 || r.height < 43.5) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30);
      small.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return [...new Set(small)].slice(0, 8);
}"""


def phone(browser, lang):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 740},
        locale=LOCALES[lang],
        bypass_csp=True,
        is_mobile=True,
        has_touch=True,
    )
    return context.new_page()


def links_on(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urlsplit(urljoin(page.url, href))
        if url.scheme not in ("http", "https") or f"{url.scheme}://{url.netloc}" != base:
            continue
        query = "&".join(q for q in url.query.split("&") if q and not q.startswith("next="))
        path = url.path + (f"?{query}" if query else "")
        if not SKIP.search(url.path) and path not in found:
            found.append(path)
    return found


def check_page(page, base: str, path: str) -> list[str]:
    response = page.goto(base + path)
    if response is None or response.status >= 400:
        return [f"status {response.status if response else 'none'}"]
    problems = []
    header = page.evaluate(HEADER_ROWS)
    if header["rows"] > 2:
        problems.append(f"header has {header['rows']} rows ({header['height']} px)")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"{width} px wide")
    small = page.evaluate(SMALL_TARGETS)
    if small:
        problems.append(f"small tap targets: {small}")
    for violation in axe_violations(page):
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['nodes'][:2]}")
    return problems


@pytest.mark.parametrize(
    "role,lang", [(role, "en") for role in ROLES] + [("anonymous", "zh_Hans"), ("staff", "zh_Hans")]
)
def test_every_page_fits_a_small_phone(live_server, browser, role, lang):
    base = live_server.url
    page = phone(browser, lang)
    try:
        if role != "anonymous":
            sign_in(page, base, role)
        page.goto(base + "/")
        todo = ["/", *links_on(page, base)]
        seen: list[str] = []
        problems = {}
        while todo and len(seen) < MAX_PAGES:
            path = todo.pop(0)
            if path in seen:
                continue
            seen.append(path)
            found = check_page(page, base, path)
            if found:
                problems[path] = found
                shot(page, f"phone-{role}-{lang}-{re.sub(r'[^a-z0-9]+', '-', path)[:60]}")
            if len(seen) <= 20:  # the menu's pages and the first level under them
                todo += [p for p in links_on(page, base) if p not in seen and p not in todo]
        assert len(seen) >= 3, seen
        assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())
    finally:
        page.context.close()
