import re

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.images import png
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.services import item_for
from tipboard.tips.models import EventKind, EventVisibility, Tip, TipEvent, TipStatus
from tipboard.tips.services import hash_secret, normalise_code


def asks_for_secret(response, code: str) -> bool:
    """The tracking page without access: the code-and-secret form with the code filled in."""
    html = response.data.decode()
    return (
        response.status_code == 200
        and 'id="track-form"' in html
        and f'value="{code}"' in html
        and 'name="secret"' in html
        and "Progress" not in html
    )


@pytest.fixture
def receipt(client, app_ctx):
    """Submit an anonymous tip with a photo; return (tip, code, secret) as the reporter saw them."""
    import io

    category = CategoryFactory()
    client.post(
        "/tips/new",
        content_type="multipart/form-data",
        data={
            "category": str(category.id),
            "description": "Wires hanging low over the lane",
            "address": "Lane 3",
            "anonymous": "y",
            "photos": [(io.BytesIO(png()), "p.png")],
        },
    )
    html = client.get("/tips/receipt").data.decode()
    code = re.search(r'id="tracking-code">([^<]+)<', html).group(1)
    secret = re.search(r'id="tracking-secret">([^<]+)<', html).group(1)
    tip = db.session.scalar(sa.select(Tip).where(Tip.tracking_code == code))
    return tip, code, secret


def test_secret_is_stored_hashed_only(receipt):
    tip, code, secret = receipt
    assert secret not in tip.secret_hash and tip.secret_hash == hash_secret(secret)


def test_code_and_secret_open_the_timeline(app, receipt):
    tip, code, secret = receipt
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert asks_for_secret(other.get(f"/tips/track/{code}"), code)
    response = other.post("/tips/track", data={"code": code.lower().replace("-", ""), "secret": secret})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tips/track/{code}")
    page = other.get(f"/tips/track/{code}")
    assert page.status_code == 200 and b"Wires hanging low" in page.data
    assert page.headers["Cache-Control"] == "no-store"
    assert b"Report received." in page.data
    photo = tip.photos[0]
    assert other.get(f"/tips/photo/{photo.thumb_name}").status_code == 200
    assert other.get(f"/tips/photo/{photo.file_name}").status_code == 200


def test_wrong_secret_is_refused(app, receipt):
    tip, code, _secret = receipt
    stranger = app.test_client()
    stranger.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = stranger.post("/tips/track", data={"code": code, "secret": "AAAA-AAAA-AAAA"})
    assert response.status_code == 400 and b"do not match" in response.data
    assert asks_for_secret(stranger.get(f"/tips/track/{code}"), code)
    assert stranger.get(f"/tips/photo/{tip.photos[0].file_name}").status_code == 403
    response = stranger.post("/tips/track", data={"code": "NOPE-NOPE", "secret": "AAAA-AAAA-AAAA"})
    assert response.status_code == 400


@pytest.fixture
def limited_app(databases, tmp_path):
    """An app with rate limits on, on its own database. The limiter object is shared by every app
    in the process, so it is switched off again afterwards."""
    from tests.conftest import make_app
    from tipboard.extensions import limiter

    url = databases.new(template=databases.template_arg(databases.pristine))
    application = make_app(url, tmp_path, RATELIMIT_ENABLED=True)
    yield application
    limiter.reset()
    limiter.enabled = False
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.own_database
def test_wrong_secrets_are_throttled_but_right_ones_are_not(limited_app):
    with limited_app.app_context():
        tip = TipFactory(secret_hash=hash_secret("GOOD-GOOD-GOOD"))
        db.session.commit()
        code = tip.tracking_code
    client = limited_app.test_client()
    for _ in range(25):  # correct lookups are not counted against the reporter ...
        assert client.post("/tips/track", data={"code": code, "secret": "GOOD-GOOD-GOOD"}).status_code == 302
    statuses = [
        client.post("/tips/track", data={"code": code, "secret": f"AAAA-AAAA-{i:04d}"}).status_code
        for i in range(25)
    ]
    assert statuses[:20] == [400] * 20 and statuses[20:] == [429] * 5  # ... wrong ones are


def test_reporter_conversation_and_answering_a_question(client, receipt):
    tip, code, _secret = receipt
    response = client.post(f"/tips/track/{code}/message", data={"body": "It is near the bike shed."})
    assert response.status_code == 302
    tip.status = TipStatus.NEEDS_INFO.value
    tip.events.append(
        TipEvent(
            kind=EventKind.QUESTION.value, body="Which building?", visibility=EventVisibility.REPORTER.value
        )
    )
    tip.events.append(
        TipEvent(
            kind=EventKind.NOTE.value,
            body="INTERNAL: caller sounded drunk",
            visibility=EventVisibility.INTERNAL.value,
        )
    )
    item_for("tip", tip.id).status = ItemStatus.WAITING.value
    db.session.commit()
    client.post(f"/tips/track/{code}/message", data={"body": "Building 7."})
    db.session.refresh(tip)
    assert tip.status == TipStatus.NEW.value  # the answer moved it back to where it was asked
    assert item_for("tip", tip.id).status == ItemStatus.OPEN.value  # and back into the queue
    kinds = [e.kind for e in db.session.scalars(sa.select(TipEvent).where(TipEvent.tip_id == tip.id))]
    assert EventKind.REPORTER_MESSAGE.value in kinds and EventKind.ANSWER.value in kinds
    page = client.get(f"/tips/track/{code}").data
    assert b"Which building?" in page and b"INTERNAL" not in page
    assert client.post(f"/tips/track/{code}/message", data={"body": ""}).status_code == 302


def test_duplicate_follows_the_original(client, app_ctx, receipt):
    tip, code, _secret = receipt
    original = TipFactory(
        category=tip.category, status=TipStatus.IN_PROGRESS.value, description="The first report of the wires"
    )
    original.events.append(
        TipEvent(
            kind=EventKind.STATUS.value,
            status=TipStatus.IN_PROGRESS.value,
            visibility=EventVisibility.PUBLIC.value,
            body="Crew booked",
        )
    )
    tip.status, tip.duplicate_of = TipStatus.DUPLICATE.value, original
    db.session.commit()
    page = client.get(f"/tips/track/{code}").data
    assert b"Someone reported the same matter earlier" in page and b"Crew booked" in page


def test_signed_in_reporter_sees_my_tips_but_not_others(client, app_ctx, login):
    me, other = UserFactory(), UserFactory()
    mine = TipFactory(anonymous=False, reporter_id=me.id)
    theirs = TipFactory(anonymous=False, reporter_id=other.id)
    login(client, me)
    assert mine.tracking_code.encode() in client.get("/tips/mine").data
    assert client.get(f"/tips/track/{mine.tracking_code}").status_code == 200
    assert asks_for_secret(client.get(f"/tips/track/{theirs.tracking_code}"), theirs.tracking_code)
    assert asks_for_secret(client.get("/tips/track/NONE-XXXX"), "NONE-XXXX")


def test_public_list_shows_only_verified_with_rounded_location(client, app_ctx):
    shown = TipFactory(
        status=TipStatus.VERIFIED.value, lat=31.951234, lon=119.961234, description="Published hazard"
    )
    TipFactory(status=TipStatus.NEW.value, description="Unchecked report")
    TipFactory(status=TipStatus.REJECTED.value, description="Rejected report")
    page = client.get("/tips/public").data
    assert b"Published hazard" in page and b"Unchecked report" not in page and b"Rejected report" not in page
    assert b"31.951," in page and b"31.951234" not in page
    data = client.get("/tips/public.json").get_json()
    assert data["tips"] == [
        {
            "category": shown.category.name_en,
            "status": "Verified",
            "lat": 31.951,
            "lon": 119.961,
            "date": shown.created_at.date().isoformat(),
        }
    ]


def test_public_list_paginates_by_keyset(client, app_ctx):
    category = CategoryFactory()
    for i in range(35):
        TipFactory(category=category, status=TipStatus.VERIFIED.value, description=f"hazard {i:02d}")
    first = client.get("/tips/public").data.decode()
    match = re.search(r"before=(\d+)", first)
    assert match and "hazard 34" in first and "hazard 04" not in first
    second = client.get(f"/tips/public?before={match.group(1)}").data.decode()
    assert "hazard 04" in second and "hazard 34" not in second


def test_code_normalisation_forgives_typing():
    assert normalise_code("k7m2 qx4p") == "K7M2-QX4P"
    assert normalise_code("OIL0-1234") == "0110-1234"


def test_a_browser_remembers_its_twenty_latest_tips_and_its_cookie_stays_small(client, app_ctx):
    """The session is a cookie (browsers drop one over 4 KB, and with it the CSRF token): opening
    many tips keeps the newest twenty, the one just opened always among them."""
    from tipboard.tips.access import TRACK_ACCESS_MAX_TIPS

    tips = [TipFactory() for _ in range(TRACK_ACCESS_MAX_TIPS + 15)]
    secrets = {}
    for tip in tips:
        secrets[tip.id] = f"SECRET{tip.id:06d}"
        tip.secret_hash = hash_secret(secrets[tip.id])
    db.session.commit()
    for tip in tips:
        response = client.post("/tips/track", data={"code": tip.tracking_code, "secret": secrets[tip.id]})
        assert response.status_code == 302
        cookie = next(
            v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session=")
        )
        assert len(cookie) < 2048
    with client.session_transaction() as sess:
        assert len(sess["tracked"]) == TRACK_ACCESS_MAX_TIPS
    assert client.get(f"/tips/track/{tips[-1].tracking_code}").status_code == 200
    assert asks_for_secret(
        client.get(f"/tips/track/{tips[0].tracking_code}"), tips[0].tracking_code
    )  # forgotten
