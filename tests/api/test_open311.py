"""Open311 GeoReport v2: a client walks services -> post -> token -> requests, in JSON and XML."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # nosec B405 - parses our own responses in tests

import pytest
import sqlalchemy as sa

from tests.conftest import make_app
from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tests.images import jpeg_with_gps
from tipboard.api.clients import issue_client, revoke_client
from tipboard.api.models import ApiClient, Open311Request
from tipboard.extensions import db, limiter
from tipboard.moderation.models import QueueItem
from tipboard.permissions import Role
from tipboard.tips.models import EventKind, Tip, TipStatus
from tipboard.tips.services import match_code

BASE = "/open311/v2"
POINT = {"lat": "31.95234", "long": "119.96178"}


def _xml(response):
    assert response.content_type.startswith("text/xml")
    return ET.fromstring(response.data)  # nosec B314 - our own response


def _post(client, fmt, key, **fields):
    data = {"api_key": key, "service_code": "fire-hazard", "description": "E-bikes charged in the stairwell"}
    data.update(POINT)
    data.update(fields)
    return client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def _verify(client, tip_id, login, staff):
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip_id)
    )
    staff_client = client.application.test_client()
    login(staff_client, staff)
    response = staff_client.post(
        f"/moderation/item/{item.id}/act/verify", data={"verify-note": "Checked: chargers removed."}
    )
    assert response.status_code == 302


def test_discovery_names_the_v2_endpoint(client):
    body = client.get("/open311/discovery.json").get_json()
    endpoint = body["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "text/xml" in endpoint["formats"]


def test_services_list_active_categories_in_both_formats(client, asking_category):
    quiet = CategoryFactory(slug="traffic")
    CategoryFactory(slug="switched-off", active=False)
    db.session.commit()
    rows = client.get(f"{BASE}/services.json").get_json()
    codes = {r["service_code"]: r for r in rows}
    assert set(codes) >= {"fire-hazard", "traffic"} and "switched-off" not in codes
    assert codes["fire-hazard"]["metadata"] is True and codes[quiet.slug]["metadata"] is False
    assert codes["fire-hazard"]["service_name"] == "Fire hazard"
    root = _xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    names = {s.findtext("service_code"): s.findtext("service_name") for s in root.findall("service")}
    assert names["fire-hazard"] == "Fire hazard"
    assert root.find("service/metadata").text in ("true", "false")
    chinese = client.get(f"{BASE}/services.json", headers={"Accept-Language": "zh-CN"}).get_json()
    assert "消防隐患" in {r["service_name"] for r in chinese}


def test_service_definition_lists_the_extra_questions(client, asking_category):
    body = client.get(f"{BASE}/services/fire-hazard.json").get_json()
    assert body["service_code"] == "fire-hazard"
    where, ebikes = body["attributes"]
    assert where["code"] == "where" and where["datatype"] == "singlevaluelist" and where["required"] is True
    assert where["values"] == [
        {"key": "corridor", "name": "Corridor"},
        {"key": "flat", "name": "Inside a flat"},
    ]
    assert ebikes["datatype"] == "number" and ebikes["required"] is False and ebikes["order"] == 2
    root = _xml(client.get(f"{BASE}/services/fire-hazard.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "where" and attribute.findtext("variable") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["corridor", "flat"]
    missing = client.get(f"{BASE}/services/nothing.xml")
    assert missing.status_code == 404 and _xml(missing).findtext("error/code") == "404"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_walks_post_verify_token_requests(client, api_key, asking_category, users, login, fmt):
    GridFactory(code="W-01", name_en="Weicun Road", center_lat=31.952, center_lon=119.962)
    db.session.commit()
    response = _post(client, fmt, api_key, **{"attribute[where]": "corridor", "attribute[ebikes]": "3"})
    assert response.status_code == 201, response.data
    if fmt == "json":
        answer = response.get_json()[0]
    else:
        root = _xml(response)
        assert root.tag == "service_requests"
        answer = {child.tag: child.text for child in root.find("request")}
    token, code, secret = answer["token"], answer["tracking_code"], answer["tracking_secret"]
    assert token and answer["tracking_url"].endswith(f"/tips/track?code={code}")

    # The tip is in the moderation queue like a form's tip, anonymous, with its answers.
    tip_id, _code = match_code(code, secret)
    tip = db.session.get(Tip, tip_id)
    assert tip.status == TipStatus.NEW.value and tip.anonymous and tip.reporter_id is None
    assert sorted((a.question.code, a.value) for a in tip.answers) == [("ebikes", "3"), ("where", "corridor")]
    assert db.session.scalar(
        sa.select(QueueItem.id).where(QueueItem.subject_id == tip_id, QueueItem.kind == "tip")
    )

    # Before staff verify it the token leads nowhere yet, and the request is not public.
    pending = client.get(f"{BASE}/tokens/{token}.json").get_json()
    assert pending == [{"service_request_id": None, "token": token}]
    assert client.get(f"{BASE}/requests/{tip_id}.json").status_code == 404

    _verify(client, tip_id, login, users["staff"])
    if fmt == "json":
        request_id = client.get(f"{BASE}/tokens/{token}.json").get_json()[0]["service_request_id"]
    else:
        request_id = int(
            _xml(client.get(f"{BASE}/tokens/{token}.xml")).findtext("request/service_request_id")
        )
    assert request_id == tip_id

    listing = client.get(f"{BASE}/requests.{fmt}?service_code=fire-hazard&status=open")
    if fmt == "json":
        row = next(r for r in listing.get_json() if r["service_request_id"] == tip_id)
    else:
        found = [
            r for r in _xml(listing).findall("request") if r.findtext("service_request_id") == str(tip_id)
        ]
        row = {child.tag: child.text for child in found[0]}
        row["lat"], row["long"] = float(row["lat"]), float(row["long"])
    assert row["status"] == "open" and row["service_code"] == "fire-hazard"
    assert row["status_notes"] == "Checked: chargers removed."
    # Rounded as on the public map; no reporter fields at all.
    assert (row["lat"], row["long"]) == (31.952, 119.962)
    assert row["requested_datetime"].endswith("+08:00")
    assert not {"first_name", "last_name", "email", "phone", "tracking_code"} & set(row)


def test_contact_fields_stay_with_staff_and_absent_ones_leave_nothing(client, api_key, asking_category):
    anonymous = _post(client, "json", api_key, **{"attribute[where]": "flat"}).get_json()[0]
    named = _post(
        client, "json", api_key, first_name="Li", phone="13800000000", **{"attribute[where]": "flat"}
    ).get_json()[0]
    tips = {}
    for answer in (anonymous, named):
        tip_id, _code = match_code(answer["tracking_code"], answer["tracking_secret"])
        tips[answer["token"]] = db.session.get(Tip, tip_id)
    plain, with_contact = tips[anonymous["token"]], tips[named["token"]]
    assert not [e for e in plain.events if e.kind == EventKind.NOTE.value]
    notes = [e for e in with_contact.events if e.kind == EventKind.NOTE.value]
    assert len(notes) == 1 and "13800000000" in notes[0].body and notes[0].visibility == "internal"
    assert with_contact.reporter_id is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_errors_follow_the_standard(client, api_key, asking_category, fmt):
    def error_of(response):
        if fmt == "json":
            body = response.get_json()
            assert isinstance(body, list)
            return body[0]["code"], body[0]["description"]
        root = _xml(response)
        assert root.tag == "errors"
        return int(root.findtext("error/code")), root.findtext("error/description")

    no_key = _post(client, fmt, None)
    assert no_key.status_code == 403 and error_of(no_key)[0] == 403
    wrong_key = _post(client, fmt, "o311-not-a-key")
    assert wrong_key.status_code == 403
    missing_answer = _post(client, fmt, api_key)
    assert missing_answer.status_code == 400 and "attribute[where]" in error_of(missing_answer)[1]
    bad_choice = _post(client, fmt, api_key, **{"attribute[where]": "roof"})
    assert bad_choice.status_code == 400
    not_number = _post(client, fmt, api_key, **{"attribute[where]": "flat", "attribute[ebikes]": "many"})
    assert not_number.status_code == 400
    unknown = _post(client, fmt, api_key, service_code="nothing")
    assert unknown.status_code == 404 and error_of(unknown)[0] == 404
    nowhere = _post(client, fmt, api_key, lat=None, long=None, **{"attribute[where]": "flat"})
    assert nowhere.status_code == 400
    outside = _post(client, fmt, api_key, lat="10.0", long="10.0", **{"attribute[where]": "flat"})
    assert outside.status_code == 400
    junk = _post(client, fmt, api_key, lat="north", **{"attribute[where]": "flat"})
    assert junk.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Open311Request)) == 0


def test_an_address_alone_will_do_and_media_is_re_encoded(client, api_key, asking_category):
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "fire-hazard",
            "description": "Wires hanging over the bike shed",
            "address_string": "Old Street 7",
            "attribute[where]": "corridor",
            "media": (io.BytesIO(jpeg_with_gps()), "shed.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.data
    tip_id, _code = match_code(
        response.get_json()[0]["tracking_code"], response.get_json()[0]["tracking_secret"]
    )
    tip = db.session.get(Tip, tip_id)
    assert tip.address == "Old Street 7" and tip.lat is None and len(tip.photos) == 1


def test_a_revoked_key_posts_no_more(client, api_key, asking_category):
    client_row = db.session.scalar(sa.select(ApiClient).where(ApiClient.name == "Hotline 12345"))
    assert revoke_client(client_row.id) and not revoke_client(client_row.id)
    db.session.commit()
    assert _post(client, "json", api_key, **{"attribute[where]": "flat"}).status_code == 403


def test_requests_show_only_published_tips_and_filter_and_page(client, app_ctx):
    category = CategoryFactory(slug="traffic")
    published = [
        TipFactory(category=category, status=TipStatus.VERIFIED.value, lat=31.95, lon=119.96)
        for _ in range(3)
    ]
    resolved = TipFactory(category=category, status=TipStatus.RESOLVED.value)
    hidden = TipFactory(category=category, status=TipStatus.NEW.value)
    rejected = TipFactory(category=category, status=TipStatus.REJECTED.value)
    db.session.commit()
    ids = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").get_json()}
    assert {t.id for t in published} | {resolved.id} <= ids
    assert not {hidden.id, rejected.id} & ids
    closed = client.get(f"{BASE}/requests.json?status=closed").get_json()
    assert {r["service_request_id"] for r in closed} == {resolved.id}
    page1 = client.get(f"{BASE}/requests.json?page_size=2&service_code=traffic").get_json()
    page2 = client.get(f"{BASE}/requests.json?page_size=2&page=2&service_code=traffic").get_json()
    assert len(page1) == 2 and len(page2) == 2
    assert not {r["service_request_id"] for r in page1} & {r["service_request_id"] for r in page2}
    some = client.get(f"{BASE}/requests.json?service_request_id={published[0].id},{hidden.id}").get_json()
    assert [r["service_request_id"] for r in some] == [published[0].id]
    assert client.get(f"{BASE}/requests/{hidden.id}.xml").status_code == 404
    one = _xml(client.get(f"{BASE}/requests/{resolved.id}.xml"))
    assert one.findtext("request/status") == "closed"
    future = client.get(f"{BASE}/requests.json?start_date=2999-01-01T00:00:00Z").get_json()
    assert future == []
    for bad in ("status=maybe", "start_date=yesterday", "page=0", "page_size=100000", "service_request_id=x"):
        response = client.get(f"{BASE}/requests.xml?{bad}")
        assert response.status_code == 400, bad
        assert _xml(response).findtext("error/code") == "400"


def test_admins_issue_a_key_shown_once_and_revoke_it(client, users, login):
    login(client, users["admin"])
    response = client.post("/open311/clients", data={"name": "District platform"})
    assert response.status_code == 302
    page = client.get("/open311/clients").get_data(as_text=True)
    key = page.split('<code id="new-key">')[1].split("</code>")[0]
    assert key.startswith("o311-")
    assert key not in client.get("/open311/clients").get_data(as_text=True)  # shown once
    stored = db.session.scalar(sa.select(ApiClient).where(ApiClient.name == "District platform"))
    assert stored.key_hash != key and key not in stored.key_hash
    assert client.post(f"/open311/clients/{stored.id}/revoke").status_code == 302
    db.session.refresh(stored)
    assert not stored.active


def test_staff_cannot_issue_keys(client, login, app_ctx):
    staff = UserFactory(username="desk", roles=(Role.STAFF, Role.SUPERVISOR))
    db.session.commit()
    login(client, staff)
    assert client.get("/open311/clients").status_code == 403
    assert client.post("/open311/clients", data={"name": "x"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 0


def test_the_rate_limit_counts_per_client_key(fresh_app, tmp_path):
    was_enabled = limiter.enabled
    limited = make_app(
        fresh_app.config["DATABASE_URL"],
        tmp_path / "limited",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATE_OPEN311_POST="2 per hour",
    )
    try:
        with limited.app_context():
            CategoryFactory(slug="fire-hazard")
            _one, key = issue_client("One")
            _two, other_key = issue_client("Two")
            db.session.commit()
        client = limited.test_client()
        statuses = [_post(client, "json", key).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]
        assert _post(client, "json", other_key).status_code == 201
    finally:
        limiter.enabled = was_enabled
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()
