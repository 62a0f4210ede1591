"""The tip services called directly, as jobs, the CLI and the form do."""

import io
import secrets

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory
from tests.images import jpeg_with_gps, png
from tests.sqlcount import statements
from tipboard.extensions import db
from tipboard.tips import services
from tipboard.tips.models import PendingUpload, Tip


def pending(token, lat=None, lon=None, n=[0]):  # noqa: B006 - a counter shared across calls
    n[0] += 1
    db.session.add(
        PendingUpload(
            token=token,
            file_name=f"p{n[0]}.jpg",
            thumb_name=f"p{n[0]}t.jpg",
            width=1,
            height=1,
            size_bytes=1,
            gps_lat=lat,
            gps_lon=lon,
        )
    )
    db.session.flush()


def test_locate_takes_the_point_given(app_ctx):
    place = services.locate(31.951, 119.961, "  near the gate  ")
    assert (place.lat, place.lon, place.address, place.problem) == (31.951, 119.961, "near the gate", None)
    assert place.grid_id is None  # a point alone gets its grid when the tip is stored


def test_locate_reads_a_photos_position_only_with_consent(app_ctx):
    token = secrets.token_urlsafe(32)
    pending(token)  # a photo without a position first
    pending(token, 31.952, 119.96)
    place = services.locate(None, None, "", upload_token=token, use_photo_location=True)
    assert (place.lat, place.lon, place.problem) == (31.952, 119.96, None)
    without = services.locate(None, None, "", upload_token=token, use_photo_location=False)
    assert (without.lat, without.problem) == (None, "no_location")


def test_locate_prefers_the_point_given_over_the_photo(app_ctx):
    token = secrets.token_urlsafe(32)
    pending(token, 31.952, 119.96)
    place = services.locate(31.99, 120.01, None, upload_token=token, use_photo_location=True)
    assert (place.lat, place.lon) == (31.99, 120.01)


def test_locate_finds_the_grid_named_in_the_address(app_ctx):
    grid = GridFactory(code="G-RV", name_en="Riverside Village", name_zh="河畔村")
    assert services.locate(None, None, " 河畔村 ").grid_id == grid.id
    assert services.locate(None, None, "G-RV").grid_id == grid.id
    assert services.locate(None, None, "Old Street 7").grid_id is None


@pytest.mark.parametrize(
    "lat,lon,address,problem",
    [
        (39.9, 116.4, "Old Street 7", "outside_area"),
        (None, None, "   ", "no_location"),
        (31.95, None, "", "no_location"),  # half a point is no point
    ],
)
def test_locate_says_why_a_place_cannot_be_used(app_ctx, lat, lon, address, problem):
    assert services.locate(lat, lon, address).problem == problem


def test_a_bad_place_costs_no_grid_lookup(app_ctx):
    with statements() as sent:
        services.locate(39.9, 116.4, "Old Street 7")
    assert sent == []


@pytest.mark.parametrize("token", ["x" * 500, "../../etc", "short", ""])
def test_an_upload_token_not_made_here_gets_a_new_one(app_ctx, token):
    new = services.accept_photos([("p.png", png())], token, read_gps=False)
    assert new != token and services.UPLOAD_TOKEN_RE.fullmatch(new)
    assert len(services.pending_uploads(new)) == 1
    assert services.pending_uploads(token) == []


def test_an_overlong_upload_token_on_the_form_is_not_a_500(client, app_ctx):
    category = CategoryFactory()
    data = {
        "category": str(category.id),
        "description": "E-bike charged in the stairwell",
        "address": "Old Street 7",
        "anonymous": "y",
        "upload_token": "t" * 300,
        "photos": [(io.BytesIO(jpeg_with_gps()), "p.jpg")],
    }
    response = client.post("/tips/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    [tip] = db.session.scalars(sa.select(Tip)).all()
    assert len(tip.photos) == 1
