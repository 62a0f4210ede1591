"""The roster walk on phones, in Chinese and in English: a leader fills a gap on a draft by choosing
its people together (a leader and a member), station staff publish the roster, and the leader
checks one of them in within the check-in window. The roster page reads at 360 px: the summary
first, the days folded, the solver's figures inside a details block."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.harness import LOCALES, ROOT, shot
from tests.e2e.test_station_flow import sign_in

pytestmark = pytest.mark.slow

NARROW = {"width": 360, "height": 780}


def narrow_page(browser, lang):
    context = browser.new_context(
        viewport=NARROW, locale=LOCALES[lang], bypass_csp=True, is_mobile=True, has_touch=True
    )
    return context.new_page()


@pytest.fixture(scope="session")
def gap_soon(live_server):
    """The draft roster of the patrols' week with two patrols at the market starting in ten minutes,
    made straight in the server's database (check-in opens before the start, and a test cannot wait
    for a real week); the draft leaves the day around them empty, as if it had needed its people
    elsewhere, so the leaders are free to be chosen whatever the hour (the rest rule keeps a leader
    who patrolled last evening off a patrol at 2 am). The week is the patrols' own, not today's: ten
    minutes before local midnight on a Sunday they are next week's. Run at 23:50 local, the test
    once found the new patrols filled and no gap to fill."""
    script = (
        "import datetime as dt\n"
        "import sqlalchemy as sa\n"
        "from tipboard import create_app\n"
        "from tipboard.database import utcnow\n"
        "from tipboard.extensions import db\n"
        "from tipboard.patrols.models import PatrolPoint, Shift\n"
        "from tipboard.roster import build\n"
        "from tipboard.roster.models import RosterRun\n"
        "from tipboard.timezones import to_local\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    now = utcnow()\n"
        "    out = []\n"
        "    point = db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == 'Market north gate'))\n"
        "    starts = now + dt.timedelta(minutes=10)\n"
        "    for n in (1, 2):\n"
        "        s = Shift(point_id=point.id, title=f'E2E roster gap {n}', starts_at=starts,\n"
        "                  ends_at=starts + dt.timedelta(minutes=50), min_volunteers=2, max_volunteers=3,\n"
        "                  requires_leader=True)\n"
        "        db.session.add(s); db.session.flush(); out.append(s)\n"
        "    week = build.monday_of(to_local(starts).date())\n"
        "    run = build.build_week(week)\n"
        "    for a in list(run.assignments):\n"
        "        if abs(a.shift.starts_at - starts) < dt.timedelta(days=1):\n"
        "            run.assignments.remove(a)\n"
        "    instance, _ = build.instance_for_week(week)\n"
        "    build._refresh(run, instance)\n"
        "    db.session.commit()\n"
        "    print(run.id, *(s.id for s in out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=live_server.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    run_id, zh_shift, en_shift = (int(x) for x in result.stdout.split()[-3:])
    return run_id, {"zh_Hans": zh_shift, "en": en_shift}


def fill_gap(page, base, run_id, shift_id, lang) -> list[str]:
    """The leader chooses a leader and a member for the gap together and saves them as one."""
    page.goto(base + f"/roster/{run_id}")
    assert page.locator("main p#summary").count() == 1  # the summary first, in words
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert page.locator("main details").count() >= 2  # the days, and how it was planned
    shot(page, f"roster-{lang}-draft")
    gap = page.locator(f'form[action$="/fill"]:has(input[name=shift_id][value="{shift_id}"])')
    assert gap.count() == 1
    page.locator(f'details.fill:has(input[name=shift_id][value="{shift_id}"]) > summary').click()
    leader_box = gap.locator("label.check:has(.badge)").first
    member_box = gap.locator("label.check:not(:has(.badge))").first
    chosen = [leader_box.locator("span").first.inner_text().split()[0], member_box.inner_text().strip()]
    leader_box.locator("input").check()
    member_box.locator("input").check()
    gap.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(f'form[action$="/fill"]:has(input[name=shift_id][value="{shift_id}"])').count() == 0
    shot(page, f"roster-{lang}-filled")
    return chosen


def test_fill_gaps_publish_and_check_in(live_server, browser, gap_soon):
    base = live_server.url
    run_id, shifts = gap_soon
    leaders = {lang: narrow_page(browser, lang) for lang in shifts}
    staff = narrow_page(browser, "en")
    try:
        # 1. a leader fills each gap on the draft, on a phone, one in Chinese and one in English
        chosen = {}
        for lang, page in leaders.items():
            sign_in(page, base, "leader")
            chosen[lang] = fill_gap(page, base, run_id, shifts[lang], lang)

        # 2. station staff publish the roster
        sign_in(staff, base, "staff")
        staff.goto(base + f"/roster/{run_id}")
        staff.locator('form[action$="/publish"] button').click()
        staff.wait_for_load_state()
        assert staff.locator('form[action$="/publish"]').count() == 0
        shot(staff, "roster-en-published")

        # 3. within the check-in window, the leader checks one of the chosen in on the shift's page
        for lang, page in leaders.items():
            page.goto(base + f"/patrols/shifts/{shifts[lang]}")
            content = page.content()
            assert all(name in content for name in chosen[lang]), chosen[lang]
            page.locator('form[action*="/checkin/"] button').first.click()
            page.wait_for_load_state()
            label = page.locator('form[action*="/checkin/"] button').first.inner_text().strip()
            assert label == ("签退" if lang == "zh_Hans" else "Check out")
            shot(page, f"roster-{lang}-checked-in")
    finally:
        for page in (*leaders.values(), staff):
            page.context.close()
