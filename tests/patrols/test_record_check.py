"""Staff check a printed record of service hours by its verification code: whose it is, the period
and the hours, or "no such record"; only wrong codes count against per-browser and per-address
limits; volunteers and leaders are refused."""

import datetime as dt
import re

import pytest

from tests.conftest import make_app
from tests.factories import UserFactory
from tests.patrols.test_hours import served  # noqa: F401  (the fixture)
from tipboard.auth.services import start_login_session
from tipboard.database import utcnow
from tipboard.extensions import db, limiter
from tipboard.patrols import hours
from tipboard.permissions import Role


def _record(person):
    start, end = (utcnow() - dt.timedelta(days=10)).date(), utcnow().date()
    return hours.service_record(person, start, end, end)


def test_the_code_reads_back_only_as_issued(app_ctx, patrol, served):  # noqa: F811
    record = _record(served)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){6}", record["code"])
    assert hours.read_code(record["code"]) == {
        "user_id": served.id,
        "start": record["start"],
        "end": record["end"],
        "issued": record["issued"],
        "hours": 3.5,
    }
    typed = record["code"].lower().replace("-", " ")
    assert hours.read_code(typed)["user_id"] == served.id  # as typed at a desk
    code = record["code"]
    for at in range(len(code)):  # any one character changed: not a code issued here
        if code[at] == "-":
            continue
        for other in "A7Q":
            if other != code[at]:
                assert hours.read_code(code[:at] + other + code[at + 1 :]) is None, (at, other)
    assert hours.read_code("") is None and hours.read_code("ABCD-EFGH") is None
    assert hours.read_code("!" * 28) is None


def test_staff_see_whose_record_it_is(client, patrol, served, users, login):  # noqa: F811
    record = _record(served)
    login(client, users["staff"])
    page = client.post("/patrols/hours/check", data={"code": record["code"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="record"' in text
    assert served.name in text and "3.50" in text and record["start"].isoformat() in text


def test_a_wrong_code_is_no_such_record(client, patrol, users, login):
    login(client, users["staff"])
    page = client.post("/patrols/hours/check", data={"code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG"})
    assert page.status_code == 400 and b"No such record" in page.data and b'id="record"' not in page.data
    assert client.post("/patrols/hours/check", data={"code": ""}).status_code == 400
    assert client.post("/patrols/hours/check", data={"code": "x" * 61}).status_code == 400


def test_volunteers_and_leaders_are_refused(app, patrol, served, login):  # noqa: F811
    code = _record(served)["code"]
    for person in (served, patrol["leader"]):
        client = login(app.test_client(), person)
        assert client.post("/patrols/hours/check", data={"code": code}).status_code in (302, 403)
        assert client.get("/patrols/hours/check").status_code in (302, 403)


@pytest.fixture
def limited(fresh_app, tmp_path):
    was_enabled = limiter.enabled
    application = make_app(
        fresh_app.config["DATABASE_URL"],
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATE_RECORD_CHECK="3 per hour",
        RATE_RECORD_CHECK_ADDRESS="5 per hour",
        WTF_CSRF_ENABLED=False,
    )
    yield application
    limiter.enabled = was_enabled
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _staff_client(application):
    with application.app_context():
        staff = UserFactory(roles=(Role.STAFF,))
        token = start_login_session(staff).token
        db.session.commit()
    client = application.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = token
        sess["_fresh"] = True
    return client


def test_wrong_codes_are_limited_per_browser_then_per_address(limited):
    wrong = {"code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG"}
    first = _staff_client(limited)
    statuses = [first.post("/patrols/hours/check", data=wrong).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Another browser on the same address has its own 3, but the address has 5 in all.
    second = _staff_client(limited)
    statuses = [second.post("/patrols/hours/check", data=wrong).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    # Another address is not affected.
    third = _staff_client(limited)
    other = third.post("/patrols/hours/check", data=wrong, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 400


def test_right_codes_do_not_count(limited):
    with limited.app_context():
        person = UserFactory(name="Counted Volunteer")
        db.session.commit()
        with limited.test_request_context():
            code = hours.service_record(
                person, dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 2, 1)
            )["code"]
    client = _staff_client(limited)
    statuses = [client.post("/patrols/hours/check", data={"code": code}).status_code for _ in range(5)]
    assert statuses == [200] * 5
