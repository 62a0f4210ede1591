import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.factories import CategoryFactory, GridFactory, UserFactory
from tests.images import heic, jpeg_with_gps, pixel_flood_png, png, webp
from tipboard.extensions import db
from tipboard.tips.models import PendingUpload, Tip, TipStatus
from tipboard.tips.views import CODE_ATTEMPTS


@pytest.fixture
def category(app_ctx):
    return CategoryFactory()


def form(cat, **extra):
    data = {
        "category": str(cat.id),
        "description": "E-bike charged in the stairwell",
        "address": "Old Street 7",
        "anonymous": "y",
    }
    data.update(extra)
    return data


def submit(client, data, files=()):
    payload = dict(data)
    if files:
        payload["photos"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/tips/new", data=payload, content_type="multipart/form-data")


def only_tip():
    return db.session.scalars(sa.select(Tip)).one()


def test_form_renders_light_and_without_js_dependencies(client, category):
    response = client.get("/tips/new")
    assert response.status_code == 200
    html = response.data.decode()
    assert 'name="address"' in html and 'enctype="multipart/form-data"' in html
    assert '<script src="/static/vendor/leaflet' not in html  # the map library loads only on demand
    assert len(response.data) < 30_000


def test_anonymous_tip_is_stored_unlinked_and_receipt_shown_once(client, app_ctx, category, login):
    user = UserFactory()
    login(client, user)
    response = submit(client, form(category))
    assert response.status_code == 302 and response.headers["Location"].endswith("/tips/receipt")
    tip = only_tip()
    assert tip.anonymous and tip.reporter_id is None and tip.contact_preference is None
    assert tip.status == TipStatus.NEW.value
    receipt = client.get("/tips/receipt")
    assert tip.tracking_code.encode() in receipt.data and b"<svg" in receipt.data
    assert receipt.headers["Cache-Control"] == "no-store"
    assert client.get("/tips/receipt").status_code == 302  # the secret is not shown twice


def test_named_tip_keeps_reporter_and_contact_preference(client, app_ctx, category, login):
    user = UserFactory()
    login(client, user)
    submit(client, form(category, anonymous="", contact_preference="phone"))
    tip = only_tip()
    assert not tip.anonymous and tip.reporter_id == user.id and tip.contact_preference == "phone"
    assert tip.tracking_code.encode() in client.get("/tips/mine").data


def test_anonymous_visitor_cannot_file_named(client, app_ctx, category):
    submit(client, form(category, anonymous=""))
    assert only_tip().anonymous is True


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"description": ""}, b"Please describe what you saw"),
        ({"category": "abc"}, b"Please choose what the tip is about"),
        ({"category": "99999"}, b"Please choose what the tip is about"),
        ({"address": "", "lat": "", "lon": ""}, b"Please say where"),
        ({"lat": "north", "lon": "east"}, b"Not a valid float value"),
        ({"lat": "31.95"}, b"location is incomplete"),
        ({"lat": "39.9", "lon": "116.4"}, b"outside the area"),
        ({"description": "x" * 5000}, b"characters"),
        ({"seen_at": "yesterday"}, b"Not a valid datetime value"),
    ],
)
def test_bad_input_gets_a_message_not_a_500(client, app_ctx, category, changes, message):
    response = submit(client, form(category, **changes))
    assert response.status_code == 400
    assert message in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


def test_wtforms_own_messages_follow_the_language(client, app_ctx, category):
    """WTForms' built-in messages come from its catalogue, cached per language (tipboard.forms)."""
    assert b"Not a valid float value" in submit(client, form(category, lat="north", lon="east")).data
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "不是有效的浮点数".encode() in submit(client, form(category, lat="north", lon="east")).data
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert b"Not a valid float value" in submit(client, form(category, lat="north", lon="east")).data


def test_a_category_no_longer_offered_gets_the_tip_message_in_the_reader_language(client, app_ctx, category):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = submit(client, form(category, category="99999"))
    assert response.status_code == 400
    assert "请选择线索类别".encode() in response.data and "不是有效的选择".encode() not in response.data
    tampered = submit(client, form(category, category="abc")).data.decode()
    assert tampered.count("请选择线索类别") == 1 and "无法转化" not in tampered


def test_typed_grid_name_sets_the_grid(client, app_ctx, category):
    grid = GridFactory(name_en="Riverside Village")
    submit(client, form(category, address="Riverside Village"))
    assert only_tip().grid_id == grid.id


def test_coordinates_pick_the_nearest_grid(client, app_ctx, category):
    grid = GridFactory(center_lat=31.9605, center_lon=119.9712)
    submit(client, form(category, address="", lat="31.9606", lon="119.9710"))
    tip = only_tip()
    assert tip.grid_id == grid.id and tip.lat == pytest.approx(31.9606)


def test_photo_is_reencoded_without_exif_or_gps(client, app, app_ctx, category):
    submit(client, form(category), files=[("p.jpg", jpeg_with_gps())])
    tip = only_tip()
    assert tip.lat is None  # no consent: the photo's position is not used
    [photo] = tip.photos
    stored = Path(app.config["PHOTO_DIR"]) / photo.file_name
    assert "static" not in str(stored)
    raw = stored.read_bytes()
    assert b"PhoneMaker" not in raw and b"secret comment" not in raw
    with Image.open(stored) as image:
        assert not image.getexif() and not image.info.get("exif") and not image.info.get("comment")
    assert (Path(app.config["PHOTO_DIR"]) / photo.thumb_name).exists()


def test_photo_gps_fills_location_only_with_consent(client, app_ctx, category):
    submit(client, form(category, address="", use_photo_location="y"), files=[("p.jpg", jpeg_with_gps())])
    tip = only_tip()
    assert tip.lat == pytest.approx(31.952, abs=1e-3) and tip.lon == pytest.approx(119.96, abs=1e-3)


@pytest.mark.parametrize("name,content", [("p.png", png()), ("p.webp", webp()), ("p.heic", heic())])
def test_phone_formats_are_accepted(client, app_ctx, category, name, content):
    assert submit(client, form(category), files=[(name, content)]).status_code == 302
    assert len(only_tip().photos) == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("evil.jpg", b"#!/bin/sh\nrm -rf /\n", b"Only photos"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", b"Only photos"),
        ("flood.png", pixel_flood_png(), b"too many pixels"),
        ("cut.jpg", jpeg_with_gps()[:200], b"could not be read"),
        ("empty.jpg", b"", b"One of the photos is empty"),
    ],
)
def test_bad_files_are_refused_with_a_message(client, app_ctx, category, name, content, message):
    response = submit(client, form(category), files=[(name, content)])
    assert response.status_code == 400 and message in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


def test_too_many_photos(client, app_ctx, category):
    files = [(f"p{i}.png", png()) for i in range(4)]
    response = submit(client, form(category), files=files)
    assert response.status_code == 400 and b"At most 3 photos" in response.data


def test_oversized_request_gets_a_readable_413(client, app, category):
    app.config["MAX_CONTENT_LENGTH"], old = 50_000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = submit(client, form(category), files=[("big.jpg", b"\xff\xd8\xff" + b"0" * 60_000)])
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413 and b"too large" in response.data


def test_accepted_photos_survive_a_form_error(client, app_ctx, category):
    response = submit(client, form(category, description=""), files=[("p.jpg", jpeg_with_gps())])
    assert response.status_code == 400
    pending = db.session.scalars(sa.select(PendingUpload)).all()
    assert len(pending) == 1 and pending[0].gps_lat is None
    assert b"1 photo is already attached" in response.data
    response = submit(client, form(category, upload_token=pending[0].token))
    assert response.status_code == 302
    assert len(only_tip().photos) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 0


def test_nearby_open_tips_are_offered_before_a_duplicate(client, app_ctx, category):
    from tests.factories import TipFactory

    existing = TipFactory(category=category, lat=31.9520, lon=119.9600, status=TipStatus.VERIFIED.value)
    TipFactory(category=category, lat=31.9700, lon=119.9900)  # too far away
    response = submit(client, form(category, address="", lat="31.9521", lon="119.9601"))
    assert response.status_code == 200 and b"Is it one of these?" in response.data
    assert f"/tips/{existing.id}/me-too".encode() in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 2

    response = client.post(f"/tips/{existing.id}/me-too", data={"comment": "Still there today"})
    assert response.status_code == 200
    db.session.refresh(existing)
    assert existing.me_too_count == 1

    # Or send it as a new report anyway.
    response = submit(client, form(category, address="", lat="31.9521", lon="119.9601", nearby_checked="1"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 3


def test_nearby_endpoint_for_the_live_check(client, app_ctx, category):
    from tests.factories import TipFactory

    TipFactory(category=category, lat=31.9520, lon=119.9600, status=TipStatus.VERIFIED.value)
    response = client.get(f"/tips/nearby?category={category.id}&lat=31.9521&lon=119.9601")
    assert response.status_code == 200 and b"I saw this too" in response.data
    assert client.get("/tips/nearby?category=x").status_code == 400
    assert client.get(f"/tips/nearby?category={category.id}&lat=1&lon=1").status_code == 400


def test_tip_form_page_weight_is_well_under_100_kb(client, category):
    """HTML plus every stylesheet and script it loads (the map library loads only on demand)."""
    html = client.get("/tips/new").data.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    total = len(html.encode()) + sum(len(client.get(a).data) for a in assets)
    assert assets and total < 50_000


def test_unsent_photos_expire(client, app, app_ctx, category):
    import datetime as dt

    from tipboard.jobs import JOBS

    submit(client, form(category, description=""), files=[("p.png", png())])
    upload = db.session.scalars(sa.select(PendingUpload)).one()
    path = Path(app.config["PHOTO_DIR"]) / upload.file_name
    assert path.exists()
    upload.created_at -= dt.timedelta(days=2)
    db.session.commit()
    assert JOBS["tips.expire_pending"].func() == 1
    assert not path.exists() and db.session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 0


def _codes(monkeypatch, *codes):
    """Make the next tracking codes drawn these, then random ones again."""
    from tipboard.tips import services

    drawn, real = list(codes), services.new_tracking_code
    monkeypatch.setattr(services, "new_tracking_code", lambda: drawn.pop(0) if drawn else real())


def test_a_tracking_code_already_taken_is_drawn_again(client, app_ctx, category, monkeypatch):
    assert submit(client, form(category, description="The first tip")).status_code == 302
    first = only_tip()
    taken = first.tracking_code
    _codes(monkeypatch, taken)  # the unique constraint, not a lookup, finds the clash
    response = submit(client, form(category), files=[("p.png", png())])
    assert response.status_code == 302
    db.session.expire_all()
    tips = db.session.scalars(sa.select(Tip).order_by(Tip.id)).all()
    assert len(tips) == 2 and tips[0].tracking_code == taken and tips[0].description == "The first tip"
    assert tips[1].tracking_code != taken and len(tips[1].photos) == 1  # the photo went with the retry
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingUpload)) == 0
    assert tips[1].tracking_code.encode() in client.get("/tips/receipt").data


def test_codes_taken_every_time_give_a_message_and_keep_the_photos(client, app_ctx, category, monkeypatch):
    submit(client, form(category))
    _codes(monkeypatch, *[only_tip().tracking_code] * CODE_ATTEMPTS)
    response = submit(client, form(category, description="Wires hanging low"), files=[("p.png", png())])
    assert response.status_code == 400 and b"could not be stored just now" in response.data
    assert b"Wires hanging low" in response.data and b"1 photo is already attached" in response.data
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 1
    [pending] = db.session.scalars(sa.select(PendingUpload)).all()
    assert pending.token.encode() in response.data  # the form carries its photo on
    assert submit(client, form(category, upload_token=pending.token)).status_code == 302  # sent again
    assert len(db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first().photos) == 1


def _count(app, model) -> int:
    """Read in a context of its own: only what the requests committed."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_form_sent_back_commits_its_photos_and_nothing_else(fresh_app, monkeypatch):
    """Real commits, each request in its own context: the pending photos are kept for the
    correction, the tip that could not be stored is not."""
    client = fresh_app.test_client()
    with fresh_app.app_context():
        category = CategoryFactory()
        db.session.commit()
        assert submit(client, form(category)).status_code == 302
        taken = db.session.scalars(sa.select(Tip)).one().tracking_code
        _codes(monkeypatch, *[taken] * CODE_ATTEMPTS)
    response = submit(client, form(category, description="Wires hanging low"), files=[("p.png", png())])
    assert response.status_code == 400
    assert _count(fresh_app, Tip) == 1 and _count(fresh_app, PendingUpload) == 1
    response = submit(client, form(category, description=""), files=[("q.png", png())])
    assert response.status_code == 400
    assert _count(fresh_app, Tip) == 1 and _count(fresh_app, PendingUpload) == 2
