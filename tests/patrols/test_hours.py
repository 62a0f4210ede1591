"""A volunteer sees their own hours by month and gets a printable record of service hours (PDF);
hours come from the same per-sign-up function as the leaders' hours.csv."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tests.factories import UserFactory
from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import checkin, hours
from tipboard.patrols.models import MemberRole, SignUp
from tipboard.patrols.teams import add_member
from tipboard.timezones import local_now


@pytest.fixture
def served(patrol):
    """Volunteer 0: checked in and out of a 2 h shift (1.5 h present), checked in but never out on
    another that has ended (counted until its end), and a no-show on a third."""
    v0 = patrol["volunteers"][0]
    base = (utcnow() - dt.timedelta(days=3)).replace(hour=2, minute=0, second=0, microsecond=0)
    first, second, third = (make_shift(patrol["point_a"], base + dt.timedelta(hours=h)) for h in (0, 4, 8))
    db.session.add_all(
        [
            SignUp(
                shift_id=first.id,
                user_id=v0.id,
                status="confirmed",
                checked_in_at=base + dt.timedelta(minutes=15),
                checked_out_at=base + dt.timedelta(minutes=105),
            ),
            SignUp(
                shift_id=second.id,
                user_id=v0.id,
                status="confirmed",
                checked_in_at=second.starts_at,
            ),
            SignUp(shift_id=third.id, user_id=v0.id, status="no_show"),
        ]
    )
    db.session.commit()
    return v0


def test_hours_count_check_in_to_out_or_to_the_end_of_a_finished_shift(patrol, served):
    totals = checkin.hours_by_user([served.id])[served.id]
    assert totals == {"hours": 3.5, "shifts": 2, "no_shows": 1}
    months = hours.by_month(served.id)
    assert sum(m["hours"] for m in months) == 3.5 and sum(m["shifts"] for m in months) == 2


def test_the_hours_page_shows_the_months(client, patrol, served, login):
    login(client, served)
    page = client.get("/patrols/hours")
    assert page.status_code == 200 and b"3.50" in page.data
    assert b"/record.pdf" in page.data


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_record_is_a_pdf_with_the_total_hours_in_chinese_by_default(client, patrol, served, login):
    served.locale = "zh_Hans"
    db.session.commit()
    login(client, served)
    start = (utcnow() - dt.timedelta(days=10)).date()
    end = utcnow().date()
    response = client.get(f"/patrols/hours/{served.id}/record.pdf?start={start}&end={end}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    assert "3.50" in text and "志愿服务时长证明" in text and "魏村派出所" in text
    record = hours.service_record(served, start, end, local_now().date())  # issued on the station's day
    assert record["total"] == 3.5 and record["code"] in text


def test_the_record_follows_the_readers_language(client, patrol, served, login):
    served.locale = "en"
    db.session.commit()
    login(client, served)
    text = _pdf_text(client.get(f"/patrols/hours/{served.id}/record.pdf").data)
    assert "Record of volunteer service hours" in text and "Total hours: 3.50" in text


def test_only_the_volunteer_their_leaders_and_staff_get_the_record(app, patrol, served, users, login):
    url = f"/patrols/hours/{served.id}/record.pdf"
    other_volunteer = login(app.test_client(), patrol["volunteers"][1])
    assert other_volunteer.get(url).status_code == 403
    other_leader = UserFactory()
    add_member(patrol["team_b"], other_leader, MemberRole.LEADER)
    db.session.commit()
    assert login(app.test_client(), other_leader).get(url).status_code == 403
    assert login(app.test_client(), users["resident"]).get(url).status_code in (302, 403)
    assert login(app.test_client(), patrol["leader"]).get(url).status_code == 200
    assert login(app.test_client(), users["staff"]).get(url).status_code == 200


@pytest.mark.parametrize("query", ["start=2026-13-01", "start=2026-05-02&end=2026-05-01", "end=soon"])
def test_a_bad_period_is_a_clear_400(client, patrol, served, login, query):
    login(client, served)
    response = client.get(f"/patrols/hours/{served.id}/record.pdf?{query}")
    assert response.status_code == 400
