"""/api/v1: public hazards and categories, tips from client systems, tracking, the staff queue and
decisions by personal token, volunteers' shifts; personal tokens made and revoked on the account page."""

from __future__ import annotations

import io

import sqlalchemy as sa
from schemathesis.openapi import from_dict

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tests.images import jpeg_with_gps
from tipboard.api.models import PersonalToken
from tipboard.extensions import db
from tipboard.moderation.services import audit_trail
from tipboard.tips.models import Tip, TipStatus
from tipboard.tips.services import match_code
from tipboard.tips.workflow import enqueue_tip

V1 = "/api/v1"


def test_hazards_are_published_tips_rounded_and_paged(client, app_ctx):
    category = CategoryFactory(slug="traffic")
    shown = [
        TipFactory(category=category, status=TipStatus.VERIFIED.value, lat=31.95234, lon=119.96178)
        for _ in range(3)
    ]
    hidden = TipFactory(category=category, status=TipStatus.NEW.value)
    db.session.commit()
    body = client.get(f"{V1}/hazards?limit=2").get_json()
    assert len(body["items"]) == 2 and body["next_before"] == body["items"][-1]["id"]
    rest = client.get(f"{V1}/hazards?limit=2&before={body['next_before']}").get_json()["items"]
    ids = {h["id"] for h in body["items"] + rest}
    assert {t.id for t in shown} <= ids and hidden.id not in ids
    first = body["items"][0]
    assert (first["lat"], first["lon"]) == (31.952, 119.962)
    assert not {"tracking_code", "reporter", "address"} & set(first)
    assert client.get(f"{V1}/hazards/{hidden.id}").status_code == 404
    assert client.get(f"{V1}/hazards/{shown[0].id}").get_json()["category_code"] == "traffic"
    geo = client.get(f"{V1}/hazards.geojson?category=traffic")
    assert geo.mimetype == "application/geo+json"
    feature = geo.get_json()["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [119.962, 31.952]}
    for bad in ("limit=0", "limit=x", "before=-1", "category=nothing"):
        assert client.get(f"{V1}/hazards?{bad}").status_code == 400, bad


def test_categories_carry_their_questions(client, asking_category):
    rows = client.get(f"{V1}/categories").get_json()
    fire = next(r for r in rows if r["code"] == "fire-hazard")
    assert [q["code"] for q in fire["questions"]] == ["where", "ebikes"]
    assert fire["questions"][0]["choices"][1] == {"key": "flat", "name": "Inside a flat"}


def test_a_client_sends_a_tip_with_a_photo_and_the_reporter_follows_it(client, api_key, asking_category):
    response = client.post(
        f"{V1}/tips",
        headers={"X-Api-Key": api_key},
        data={
            "category": "fire-hazard",
            "description": "E-bikes charged in the stairwell",
            "lat": "31.9523",
            "lon": "119.9617",
            "q-where": "corridor",
            "photos": (io.BytesIO(jpeg_with_gps()), "bikes.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.data
    receipt = response.get_json()
    tip = db.session.get(Tip, match_code(receipt["tracking_code"], receipt["secret"])[0])
    assert tip.anonymous and tip.reporter_id is None and len(tip.photos) == 1
    assert [a.value for a in tip.answers] == ["corridor"]

    followed = client.post(
        f"{V1}/track", json={"code": receipt["tracking_code"], "secret": receipt["secret"]}
    )
    assert followed.status_code == 200 and followed.get_json()["status"] == "new"
    wrong = client.post(f"{V1}/track", json={"code": receipt["tracking_code"], "secret": "AAAA-AAAA-AAAA"})
    unknown = client.post(f"{V1}/track", json={"code": "ZZZZ-ZZZZ", "secret": "AAAA-AAAA-AAAA"})
    assert wrong.status_code == unknown.status_code == 404 and wrong.get_json() == unknown.get_json()
    assert client.post(f"{V1}/track", json=["not", "an", "object"]).status_code == 400


def test_sending_a_tip_needs_a_client_key(client, users, login, asking_category):
    data = {"category": "fire-hazard", "description": "Smoke", "address": "Old Street 7", "q-where": "flat"}
    assert client.post(f"{V1}/tips", data=data).status_code == 403
    login(client, users["admin"])  # a session is not a credential here
    assert client.post(f"{V1}/tips", data=data).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


def test_staff_work_the_queue_with_a_personal_token(client, users, bearer, app_ctx):
    category = CategoryFactory()
    grid = GridFactory()
    named = UserFactory(name="Zhang San")
    tip = TipFactory(category=category, anonymous=False, reporter_id=named.id)
    anonymous = TipFactory(category=category)
    db.session.flush()
    enqueue_tip(tip, new_subject=True)
    enqueue_tip(anonymous, new_subject=True)
    db.session.commit()
    headers = bearer(users["staff"], "staff")

    listing = client.get(f"{V1}/queue?kind=tip&category={category.id}", headers=headers).get_json()
    assert {row["tip_id"] for row in listing["items"]} == {tip.id, anonymous.id}
    detail = client.get(f"{V1}/tips/{anonymous.id}", headers=headers).get_json()
    assert detail["anonymous"] is True and detail["reporter"] is None
    assert client.get(f"{V1}/tips/{tip.id}", headers=headers).get_json()["reporter"] == "Zhang San"

    too_early = client.post(f"{V1}/tips/{tip.id}/resolve", json={"note": "done"}, headers=headers)
    assert too_early.status_code == 400
    assert (
        client.post(f"{V1}/tips/{tip.id}/verify", json={"note": "Seen on site."}, headers=headers).status_code
        == 200
    )
    assigned = client.post(
        f"{V1}/tips/{tip.id}/assign",
        json={"assignee_id": users["staff"].id, "grid_id": grid.id},
        headers=headers,
    )
    assert assigned.status_code == 200 and assigned.get_json()["assignee_id"] == users["staff"].id
    assert (
        client.post(f"{V1}/tips/{tip.id}/assign", json={"grid_id": 999999}, headers=headers).status_code
        == 400
    )
    assert (
        client.post(f"{V1}/tips/{tip.id}/resolve", json={}, headers=headers).status_code == 400
    )  # needs a note
    resolved = client.post(f"{V1}/tips/{tip.id}/resolve", json={"note": "Wires re-hung."}, headers=headers)
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    assert [e.action for e in audit_trail("tip", tip.id)] == ["enqueue", "verify", "assign", "resolve"]
    assert (
        client.get(f"{V1}/queue?status=closed&kind=tip", headers=headers).get_json()["items"][0]["tip_id"]
        == tip.id
    )
    assert client.get(f"{V1}/queue?status=nonsense", headers=headers).status_code == 400


def test_tokens_are_refused_outside_their_role_and_after_revoking(client, users, bearer, login, app_ctx):
    tip = TipFactory()
    db.session.commit()
    assert client.get(f"{V1}/queue").status_code == 401
    login(client, users["staff"])  # a signed-in session alone is not enough
    assert client.get(f"{V1}/queue").status_code == 401
    assert client.post(f"{V1}/tips/{tip.id}/verify", json={}).status_code == 401
    resident = bearer(users["resident"], "resident")
    assert client.get(f"{V1}/queue", headers=resident).status_code == 403
    assert client.post(f"{V1}/tips/{tip.id}/verify", json={}, headers=resident).status_code == 403
    db.session.refresh(tip)
    assert tip.status == TipStatus.NEW.value
    staff = bearer(users["staff"], "staff")
    assert client.get(f"{V1}/queue", headers=staff).status_code == 200
    token = db.session.scalars(
        sa.select(PersonalToken).where(PersonalToken.user_id == users["staff"].id)
    ).one()
    token.revoked_at = token.created_at
    db.session.commit()
    assert client.get(f"{V1}/queue", headers=staff).status_code == 401


def test_users_make_a_token_shown_once_and_revoke_it(client, users, login):
    login(client, users["staff"])
    assert client.post("/api/tokens", data={"name": "desk tablet", "scope": "admin"}).status_code == 400
    assert client.post("/api/tokens", data={"name": "desk tablet", "scope": "staff"}).status_code == 302
    page = client.get("/api/tokens").get_data(as_text=True)
    raw = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert raw.startswith("tbp-") and raw not in client.get("/api/tokens").get_data(as_text=True)
    stored = db.session.scalars(sa.select(PersonalToken)).one()
    assert stored.token_hash != raw and stored.scope == "staff"
    other = client.application.test_client()
    assert other.get(f"{V1}/queue", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    login(client, users["resident"])  # someone else cannot revoke it
    client.post(f"/api/tokens/{stored.id}/revoke")
    db.session.refresh(stored)
    assert stored.active
    login(client, users["staff"])
    assert client.post(f"/api/tokens/{stored.id}/revoke").status_code == 302
    assert other.get(f"{V1}/queue", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_volunteers_list_shifts_and_sign_up(client, patrol, bearer):
    volunteer = patrol["volunteers"][0]
    headers = bearer(volunteer, "volunteer")
    rows = client.get(f"{V1}/shifts", headers=headers).get_json()
    assert [r["id"] for r in rows] == [patrol["shift"].id] and rows[0]["mine"] is None
    done = client.post(f"{V1}/shifts/{patrol['shift'].id}/signup", headers=headers)
    assert done.status_code == 201 and done.get_json()["status"] == "confirmed"
    assert client.post(f"{V1}/shifts/{patrol['shift'].id}/signup", headers=headers).status_code == 400
    assert client.get(f"{V1}/shifts", headers=headers).get_json()[0]["mine"] == "confirmed"
    outsider = bearer(patrol["outsider"], "volunteer")
    assert client.get(f"{V1}/shifts", headers=outsider).get_json() == []
    assert client.post(f"{V1}/shifts/{patrol['shift'].id}/signup", headers=outsider).status_code == 400


def test_the_openapi_document_and_its_page(client):
    spec = client.get(f"{V1}/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert {"/api/v1/hazards", "/api/v1/tips", "/api/v1/queue", "/api/v1/shifts/{shift_id}/signup"} <= set(
        spec["paths"]
    )
    assert spec["paths"]["/api/v1/queue"]["get"]["security"] == [{"personalToken": []}]
    page = client.get(f"{V1}/docs").get_data(as_text=True)
    assert "GET /api/v1/hazards" in page and "https://" not in page.split("<main")[-1].split("</main>")[0]


def test_the_document_is_valid_openapi(client):
    schema = from_dict(client.get(f"{V1}/openapi.json").get_json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14
