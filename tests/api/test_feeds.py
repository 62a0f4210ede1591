"""Atom feeds of published hazards (station, grid, around a point) and staff exports (CSV, GeoJSON)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # nosec B405 - parses our own responses in tests

import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tipboard.extensions import db
from tipboard.moderation.models import QueueItem
from tipboard.tips.models import TipStatus
from tipboard.tips.workflow import enqueue_tip

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(response) -> list[ET.Element]:
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # nosec B314 - our own response
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}id") is not None
    return root.findall(f"{ATOM}entry")


def test_feeds_for_the_station_a_grid_and_around_a_point(client, app_ctx):
    near, far = GridFactory(), GridFactory()
    category = CategoryFactory(name_en="Fire hazard")
    here = TipFactory(
        category=category,
        status=TipStatus.VERIFIED.value,
        grid=near,
        lat=31.95034,
        lon=119.96021,
        description="Wires over the bike shed",
    )
    there = TipFactory(category=category, status=TipStatus.RESOLVED.value, grid=far, lat=31.99, lon=119.99)
    hidden = TipFactory(category=category, status=TipStatus.NEW.value, grid=near, lat=31.9503, lon=119.9602)
    db.session.commit()
    everything = _entries(client.get("/api/v1/hazards.atom"))
    titles = [e.findtext(f"{ATOM}content") for e in everything]
    assert len(everything) == 2 and "Wires over the bike shed" in titles[0] + titles[1]
    point = everything[[e.findtext(f"{ATOM}id").endswith(f"tip-{here.id}") for e in everything].index(True)]
    assert point.findtext("{http://www.georss.org/georss}point") == "31.95 119.96"  # rounded
    grid = _entries(client.get(f"/api/v1/hazards.atom?grid={far.id}"))
    assert [e.findtext(f"{ATOM}id").rsplit("-", 1)[1] for e in grid] == [str(there.id)]
    around = _entries(client.get("/api/v1/hazards.atom?lat=31.9501&lon=119.9601&radius=300"))
    assert [e.findtext(f"{ATOM}id").rsplit("-", 1)[1] for e in around] == [str(here.id)]
    ids = {e.findtext(f"{ATOM}id").rsplit("-", 1)[1] for e in everything}
    assert ids == {str(here.id), str(there.id)} and str(hidden.id) not in ids
    for bad in (
        "grid=999999",
        "grid=x",
        "lat=1&lon=1",
        "lat=31.95&lon=119.96&radius=999999",
        "lat=nan&lon=1",
    ):
        assert client.get(f"/api/v1/hazards.atom?{bad}").status_code == 400, bad


def _queued(**kwargs):
    tip = TipFactory(**kwargs)
    db.session.flush()
    enqueue_tip(tip, new_subject=True)
    return tip


def test_staff_export_what_the_queue_shows_them(client, users, login, app_ctx):
    fire, fraud = CategoryFactory(), CategoryFactory()
    named = UserFactory(name="Zhang San")
    formula = _queued(category=fire, description='=HYPERLINK("http://x")', address="Old Street 7")
    by_name = _queued(category=fire, anonymous=False, reporter_id=named.id, description="Smoke from the flat")
    _queued(category=fraud, description="A caller asked for a bank code")
    db.session.commit()
    login(client, users["staff"])
    response = client.get(f"/api/exports/tips.csv?category={fire.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["id"] for r in rows} == {str(formula.id), str(by_name.id)}
    by_id = {r["id"]: r for r in rows}
    assert by_id[str(formula.id)]["description"].startswith("'=")  # neutralised
    assert by_id[str(formula.id)]["reporter"] == "" and by_id[str(by_name.id)]["reporter"] == "Zhang San"
    geo = client.get(f"/api/exports/tips.geojson?category={fire.id}").get_json()
    assert {f["properties"]["id"] for f in geo["features"]} == {formula.id, by_name.id}
    assert geo["features"][0]["geometry"]["coordinates"] == [119.96, 31.95]
    # The queue's status filter applies: a closed item is not in the default (open) export.
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.subject_id == by_name.id, QueueItem.kind == "tip")
    )
    item.status = "closed"
    db.session.commit()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/api/exports/tips.csv?category={fire.id}")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert {r["id"] for r in rows} == {str(formula.id)}


def test_the_export_leaves_out_contact_notes_and_is_for_staff_only(
    client, users, login, api_key, asking_category
):
    response = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": api_key,
            "service_code": "fire-hazard",
            "description": "Smoke",
            "address_string": "Old Street 7",
            "attribute[where]": "flat",
            "phone": "13800000000",
        },
    )
    assert response.status_code == 201
    login(client, users["staff"])
    text = client.get("/api/exports/tips.csv").get_data(as_text=True)
    assert "Smoke" in text and "13800000000" not in text and "Inside a flat" in text
    for role in ("resident", "volunteer", "leader"):
        login(client, users[role])
        assert client.get("/api/exports/tips.csv").status_code == 403
        assert client.get("/api/exports/tips.geojson").status_code == 403
