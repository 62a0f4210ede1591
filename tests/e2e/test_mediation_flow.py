"""A mediation case walked through in Chinese at phone size: apply → accept → the other side
consents by the invitation → messages in both threads → an agreement both confirm → the PDF
downloads → the 30-day follow-up job asks → the figures count it."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from tests.e2e.harness import ROOT, phone_page, shot
from tests.e2e.test_station_flow import sign_in
from tests.images import pdf_with_metadata

pytestmark = pytest.mark.slow


def _server_python(live_server, script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=live_server.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


SIGN_CODE = """
import sqlalchemy as sa
from tipboard import create_app
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.disputes.agreement import _code_for
app = create_app()
with app.app_context():
    m = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.key == 'disputes.sign_code').order_by(OutboxMessage.id.desc())).first()
    print(_code_for(m.params['nonce']))
"""

SETTLED_A_MONTH_AGO = """
import datetime as dt, sqlalchemy as sa
from tipboard import create_app
from tipboard.extensions import db
from tipboard.disputes.models import DisputeCase
app = create_app()
with app.app_context():
    case = db.session.scalar(sa.select(DisputeCase).where(DisputeCase.code == '{code}'))
    case.settled_at = case.settled_at - dt.timedelta(days=31)
    db.session.commit()
    print('ok')
"""


def test_a_dispute_from_application_to_follow_up_in_chinese(live_server, browser):
    base = live_server.url
    resident = phone_page(browser, "zh_Hans")
    sign_in(resident, base, "resident")
    resident.goto(base + "/disputes/new")
    resident.select_option("select[name=kind]", "noise")
    resident.fill("textarea[name=facts]", "楼上每晚十二点后还在装修。")
    resident.fill("textarea[name=wishes]", "晚上十点后停止施工。")
    resident.fill("input[name=other_name]", "楼上邻居")
    resident.locator("#dispute-form button[type=submit]").click()
    resident.wait_for_url("**/disputes/receipt")
    code = resident.locator("#case-code").inner_text().strip()
    shot(resident, "mediation-1-zh-receipt")

    staff = phone_page(browser, "zh_Hans")
    sign_in(staff, base, "staff")
    staff.goto(base + "/moderation/?status=all&kind=dispute")  # the demo's queue is long
    staff.locator(f"a:has-text('{code}')").first.click()
    staff.locator('details:has(form[action$="/act/accept"]) > summary').click()
    staff.select_option('[name="accept-lead"]', label="周调解员 Mediator Zhou")
    staff.locator('form[action$="/act/accept"] button[type=submit]').click()
    staff.wait_for_load_state()
    invitation = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", staff.content()).group(0)

    other = phone_page(browser, "zh_Hans")
    other.goto(base + f"/disputes/follow?code={code}")
    other.fill("input[name=secret]", invitation)
    other.locator("#follow-form button[type=submit]").click()
    other.wait_for_url(f"**/disputes/case/{code}")
    other.check("input[name=agree][value=yes]")
    other.locator("#consent button[type=submit]").click()
    assert "调解中" in other.locator("#case-status").inner_text()

    def write(page, thread: str, text: str) -> None:
        page.goto(base + f"/disputes/case/{code}")
        form = page.locator(f"form:has(input[name=thread][value={thread}])").first
        form.locator("textarea").fill(text)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()

    write(other, "joint", "我们愿意协商。")
    write(other, "caucus", "其实我们下周就完工了。")
    write(resident, "joint", "希望尽快解决。")
    resident.goto(base + f"/disputes/case/{code}")
    assert "我们愿意协商。" in resident.content() and "其实我们下周就完工了。" not in resident.content()
    shot(other, "mediation-2-zh-room")

    mediator = phone_page(browser, "zh_Hans")
    sign_in(mediator, base, "mediator")
    mediator.goto(base + f"/disputes/case/{code}/agreement")
    mediator.fill("textarea[name=facts]", "楼上夜间装修产生噪音。")
    mediator.fill("textarea[name=matters]", "夜间施工噪音，施工方负责。")
    mediator.fill("textarea[name=terms]", "晚上十点后不施工。")
    mediator.fill("textarea[name=performance]", "自即日起执行。")
    mediator.fill("input[name='obligations-0-text']", "晚上十点后停止施工")
    mediator.fill("input[name='obligations-0-due_on']", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    mediator.locator("#agreement-form button[type=submit]").click()
    mediator.wait_for_url(f"**/disputes/case/{code}*")

    resident.goto(base + f"/disputes/case/{code}")
    resident.locator("form[action$='/agreement/code'] button").click()
    one_time = _server_python(live_server, SIGN_CODE)
    resident.fill("input[name=typed_name]", "李阿姨 Auntie Li")
    resident.fill("input[name=code]", one_time)
    resident.locator("form[action$='/agreement/confirm'] button").click()
    resident.wait_for_load_state()

    mediator.goto(base + f"/disputes/case/{code}")
    mediator.select_option("select[name='paper-party']", label="楼上邻居")
    mediator.set_input_files(
        "input[name='paper-scan']",
        files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": pdf_with_metadata()}],
    )
    mediator.locator("form[action$='/agreement/paper'] button").click()
    mediator.wait_for_load_state()
    assert "已调结" in mediator.locator("#case-status").inner_text()

    resident.goto(base + f"/disputes/case/{code}")
    assert resident.locator("#judicial").is_visible()
    with resident.expect_download() as download:
        resident.locator("#pdf-zh").click()
    assert download.value.suggested_filename == f"agreement-{code}.pdf"
    shot(resident, "mediation-3-zh-settled")

    assert _server_python(live_server, SETTLED_A_MONTH_AGO.format(code=code)) == "ok"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tipboard", "run-job", "disputes.followup"],
        cwd=ROOT,
        env=live_server.env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    resident.goto(base + f"/disputes/case/{code}")
    resident.check("#followup input[name=carried_out][value=yes]")
    resident.check("#followup input[name=came_back][value=no]")
    resident.locator("#followup button[type=submit]").click()
    resident.wait_for_load_state()

    staff.goto(base + "/disputes/figures")
    assert (
        "调结 2 件，90 天内反弹 0 件。" in staff.locator("#figures-total").inner_text()
    )  # the demo's and this one
    shot(staff, "mediation-4-zh-figures")
