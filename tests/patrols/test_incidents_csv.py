"""Importing incident records from a CSV: encodings, bad rows by line number with nothing
half-imported, the size limit (413), and the same file twice adding nothing."""

import io

import pytest
import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.patrols.models import Incident
from tipboard.permissions import Role

GOOD = (
    "occurred_at,lat,lon,type,place\n"
    "2026-11-20 21:40,31.9440,119.9760,theft,No. 8 Canal Road\n"
    "2026-11-21 22:15,31.9442,119.9763,fight,\n"
    "2026-11-22 02:05,31.9443,119.9761,theft,运河路\n"
)


@pytest.fixture
def staff(app, app_ctx, login):
    return login(app.test_client(), UserFactory(roles=(Role.STAFF,)))


def _send(client, data: bytes, name="incidents.csv"):
    return client.post(
        "/patrols/incidents",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Incident.id)))


def test_a_good_file_with_a_bom_is_imported_and_a_second_time_adds_nothing(staff):
    response = _send(staff, GOOD.encode("utf-8-sig"))
    assert response.status_code == 302
    assert _count() == 3
    row = db.session.scalar(sa.select(Incident).where(Incident.place == "运河路"))
    assert row.kind == "theft" and row.lat == 31.9443
    assert row.occurred_at.hour == 18  # 02:05 station time (UTC+8) is 18:05 UTC the day before
    again = _send(staff, GOOD.encode("utf-8"), name="same.csv")
    assert again.status_code == 302
    assert _count() == 3
    page = staff.get("/patrols/incidents").data.decode()
    assert "0 incidents imported, 3 were already there." in page


def test_a_gbk_file_with_chinese_headers_is_read(staff):
    text = "时间,纬度,经度,类型,地点\n2026-11-20 21:40,31.9440,119.9760,盗窃,运河路夜市\n"
    assert _send(staff, text.encode("gbk")).status_code == 302
    assert db.session.scalar(sa.select(Incident.kind)) == "盗窃"


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(staff):
    text = (
        GOOD
        + "yesterday,31.9440,119.9760,theft,\n"  # line 5
        + "2026-11-20 21:40,north,119.9760,theft,\n"  # line 6
        + "2026-11-20 21:40,39.90,116.40,theft,\n"  # line 7: Beijing, outside the area
        + "2099-01-01 10:00,31.9440,119.9760,theft,\n"  # line 8: future
        + "2026-11-20 21:40,31.9440,119.9760,,\n"  # line 9: no type
        + "2026-11-20 21:40,31.9440\n"  # line 10: too few fields
    )
    response = _send(staff, text.encode())
    page = response.data.decode()
    assert response.status_code == 400
    assert _count() == 0
    for line, reason in [
        (5, "The time is not like 2026-11-20 21:40."),
        (6, "The latitude and longitude must be numbers."),
        (7, "The position is outside the station's area."),
        (8, "The time is in the future."),
        (9, "The type is missing or longer than 60 characters."),
        (10, "The row has a different number of fields than the header."),
    ]:
        assert f"Line {line}: {reason}" in page
    assert "Line 2:" not in page


def test_a_file_without_the_columns_is_refused(staff):
    response = _send(staff, b"when,where\n2026-11-20,here\n")
    assert (
        response.status_code == 400 and "Line 1: The header must name the columns" in response.data.decode()
    )
    assert _count() == 0


def test_a_field_too_long_for_csv_is_refused_not_a_crash(staff):
    response = _send(staff, GOOD.encode() + b'"' + b"x" * 200_000 + b'",1,2,3,4\n')
    assert response.status_code == 400 and "cannot be read as CSV" in response.data.decode()
    assert _count() == 0


def test_a_file_that_is_not_text_is_refused(staff):
    response = _send(staff, b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x81\x82")
    assert response.status_code == 400 and _count() == 0


@pytest.mark.parametrize("rows", [100, 1000])  # read past the limit; or refused by its declared length
def test_a_file_over_the_limit_is_refused_with_413_and_a_reason(app, staff, rows):
    limit = app.config["INCIDENT_CSV_MAX_BYTES"]
    app.config["INCIDENT_CSV_MAX_BYTES"] = 1024
    try:
        big = (GOOD + "2026-11-20 21:40,31.9440,119.9760,theft,x\n" * rows).encode()
        response = _send(staff, big)
    finally:
        app.config["INCIDENT_CSV_MAX_BYTES"] = limit
    assert response.status_code == 413
    assert "The file is larger than 1 KB" in response.data.decode()
    assert _count() == 0


def test_the_page_documents_the_columns_and_offers_a_template(staff):
    page = staff.get("/patrols/incidents").data.decode()
    assert "occurred_at" in page and "/patrols/incidents/template.csv" in page
    template = staff.get("/patrols/incidents/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert _send(staff, template.data).status_code == 302 and _count() == 2


def test_a_volunteer_and_a_leader_may_not_import(app, patrol, login):
    for user in (patrol["volunteers"][0], patrol["leader"]):
        client = login(app.test_client(), user)
        assert _send(client, GOOD.encode()).status_code == 403
    assert _count() == 0


def test_the_reasons_read_in_chinese(app, app_ctx, login):
    client = login(app.test_client(), UserFactory(roles=(Role.STAFF,), locale="zh_Hans"))
    page = _send(client, (GOOD + "yesterday,31.9440,119.9760,theft,\n").encode()).data.decode()
    assert "第 5 行" in page and "时间格式不对" in page
