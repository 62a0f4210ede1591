"""Steps 2-6 of the walk-through, in Chinese and in English: staff verify an anonymous hazard
report on a desktop and a reward proposal appears; a supervisor approves it; the tipster sees the
reward on the tracking page and gets a claim code, which staff redeem; a volunteer signs up for a
shift, checks in through the point's QR link and logs an observation."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.e2e.harness import ROOT, phone_page, shot
from tests.e2e.test_resident_flow import open_tracking_page, photo, report_hazard_anonymously  # noqa: F401

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 900}
LOCALES = {"zh_Hans": "zh-CN", "en": "en-GB"}


def desktop_page(browser, lang):
    return browser.new_context(viewport=DESKTOP, locale=LOCALES[lang], bypass_csp=True).new_page()


def sign_in(page, base_url, login):
    page.goto(base_url + "/auth/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", f"demo-{login}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url


def take_action(page, action: str, fields: dict | None = None):
    """Open an action's <details> on a queue item page, fill it in and send it."""
    form = page.locator(f'form[action$="/act/{action}"]')
    page.locator(f'details:has(form[action$="/act/{action}"]) > summary').click()
    for name, value in (fields or {}).items():
        form.locator(f'[name="{action}-{name}"]').fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def soon_shifts(live_server):
    """Two shifts starting within the half hour at the demo volunteer's two points, one per language
    and one after the other, made straight in the server's database (templates make whole weeks)."""
    script = (
        "import datetime as dt, sys\n"
        "from tipboard import create_app\n"
        "from tipboard.extensions import db\n"
        "from tipboard.auth.models import User\n"
        "from tipboard.patrols.models import PatrolPoint, Shift, SignUp\n"
        "from tipboard.database import utcnow\n"
        "import sqlalchemy as sa\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    now = utcnow()\n"
        "    # the demo volunteer is free for the next hour (the demo's own patrols may fall then)\n"
        "    vol = db.session.scalar(sa.select(User.id).where(User.username == 'volunteer'))\n"
        "    clash = sa.select(Shift.id).where(Shift.starts_at < now + dt.timedelta(hours=1), Shift.ends_at > now)\n"
        "    db.session.execute(sa.update(SignUp).where(SignUp.user_id == vol, SignUp.shift_id.in_(clash))\n"
        "                       .values(status='dropped'))\n"
        "    out = []\n"
        "    for name, offset in (('Market north gate', 5), ('Old Street stairwells', 27)):\n"
        "        point = db.session.scalar(sa.select(PatrolPoint).where(PatrolPoint.name_en == name))\n"
        "        s = Shift(point_id=point.id, title=f'E2E patrol {offset}', starts_at=now + dt.timedelta(minutes=offset),\n"
        "                  ends_at=now + dt.timedelta(minutes=offset + 21), min_volunteers=1, max_volunteers=4,\n"
        "                  requires_leader=False)\n"
        "        db.session.add(s); db.session.flush(); out += [point.id, s.id]\n"
        "    db.session.commit()\n"
        "    print(*out)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=live_server.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    zh_point, zh_shift, en_point, en_shift = (int(x) for x in result.stdout.split()[-4:])
    return {"zh_Hans": (zh_point, zh_shift), "en": (en_point, en_shift)}


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_from_report_to_reward_to_patrol(live_server, browser, photo, soon_shifts, lang):  # noqa: F811
    base = live_server.url
    text = f"E2E {lang} broken fire door at the market stairwell"
    resident = phone_page(browser, lang)
    staff = desktop_page(browser, lang)
    boss = desktop_page(browser, lang)
    volunteer = phone_page(browser, lang)
    try:
        # 1. the resident reports anonymously, with a photo and a typed address
        receipt = report_hazard_anonymously(resident, base, photo, "Weicun Market", lang, description=text)

        # 2. staff verify it on a desktop; a reward proposal enters the queue
        sign_in(staff, base, "staff")
        staff.goto(base + "/moderation/?kind=tip")
        staff.locator("a", has_text=text[:40]).first.click()
        staff.wait_for_load_state()
        shot(staff, f"2-{lang}-staff-item")
        take_action(staff, "verify")
        staff.goto(base + "/moderation/?kind=reward")
        assert staff.locator("a", has_text=receipt["code"]).count() == 1
        shot(staff, f"2-{lang}-reward-proposed")

        # 3. a supervisor approves the reward
        sign_in(boss, base, "supervisor")
        boss.goto(base + "/moderation/?kind=reward")
        boss.locator("a", has_text=receipt["code"]).first.click()
        boss.wait_for_load_state()
        take_action(boss, "approve")
        shot(boss, f"3-{lang}-approved")
        boss.goto(base + "/rewards/?status=approved")
        assert receipt["code"] in boss.content()

        # 4. the tipster sees the reward and gets a claim code; staff redeem it
        open_tracking_page(resident, base, receipt, lang)
        assert resident.locator("#reward").count() == 1
        resident.locator("#reward form button[type=submit]").click()
        resident.wait_for_url("**/rewards/claim-code")
        claim = resident.locator("#claim-code").inner_text().strip()
        shot(resident, f"4-{lang}-claim-code")
        staff.goto(base + "/rewards/redeem")
        staff.fill("input[name=code]", claim)
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_load_state()
        staff.locator("input[name=method][value=cash]").check()
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_load_state()
        shot(staff, f"4-{lang}-paid")
        open_tracking_page(resident, base, receipt, lang)
        assert resident.locator("#reward form").count() == 0  # paid: no more claim button

        # 5. a volunteer signs up for a shift, checks in by the point's QR link, logs an observation
        point_id, shift_id = soon_shifts[lang]
        sign_in(staff, base, "leader")
        staff.goto(base + f"/patrols/points/{point_id}/qr")
        link = staff.locator("main p.small").inner_text().strip()
        assert re.match(r"https?://.+/patrols/scan/", link)
        sign_in(volunteer, base, "volunteer")
        volunteer.goto(base + f"/patrols/shifts/{shift_id}")
        volunteer.locator(f'form[action$="/shifts/{shift_id}/signup"] button').click()
        volunteer.wait_for_load_state()
        shot(volunteer, f"5-{lang}-signed-up")
        volunteer.goto(link)
        shot(volunteer, f"5-{lang}-scan")
        volunteer.locator("main form button[type=submit]").click()
        volunteer.wait_for_url(f"**/patrols/shifts/{shift_id}")
        volunteer.fill("textarea[name=body]", f"E2E {lang}: gate locked, lights fine")
        volunteer.locator(f'form[action$="/shifts/{shift_id}/log"] button').click()
        volunteer.wait_for_load_state()
        assert f"E2E {lang}: gate locked" in volunteer.content()
        shot(volunteer, f"5-{lang}-logged")
    finally:
        for page in (resident, staff, boss, volunteer):
            page.context.close()
