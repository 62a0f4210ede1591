"""Issue 17, items 1, 2 and 4: the duplicate check, merged reports and tracking links tell nobody
more than they may know."""

from __future__ import annotations

import re

import pytest

from tests.factories import CategoryFactory, TipFactory
from tipboard.extensions import db
from tipboard.timezones import to_local
from tipboard.tips.models import EventKind, EventVisibility, TipEvent, TipStatus
from tipboard.tips.services import hash_secret

POINT = (31.95012, 119.96034)  # the tip's true position
# Three places to ask from, each within the 250 m radius of the tip: enough to trilaterate it.
ASK_FROM = [(31.9510, 119.9603), (31.9501, 119.9620), (31.9493, 119.9590)]


def nearby_pages(client, category) -> list[str]:
    pages = []
    for lat, lon in ASK_FROM:
        response = client.get(f"/tips/nearby?category={category.id}&lat={lat}&lon={lon}")
        assert response.status_code == 200
        pages.append(re.sub(r'name="csrf_token" value="[^"]+"', "", response.data.decode()))
    return pages


# --- item 1: /tips/nearby ----------------------------------------------------------------------


def test_nearby_never_shows_an_unpublished_tip(client, app_ctx):
    category = CategoryFactory()
    hidden = TipFactory(category=category, lat=POINT[0], lon=POINT[1], status=TipStatus.NEW.value)
    asked = TipFactory(category=category, lat=POINT[0], lon=POINT[1], status=TipStatus.NEEDS_INFO.value)
    db.session.commit()
    for page in nearby_pages(client, category):
        assert page.strip() == "", page
    # Nor through the form's own check on submit, nor by guessing its number for "me too".
    response = client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Cables hanging low",
            "anonymous": "y",
            "lat": ASK_FROM[0][0],
            "lon": ASK_FROM[0][1],
        },
    )
    assert response.status_code == 302, response.data  # stored at once: nothing to offer first
    for tip in (hidden, asked):
        assert client.post(f"/tips/{tip.id}/me-too", data={"comment": ""}).status_code == 404
    assert client.post("/tips/999999/me-too", data={"comment": ""}).status_code == 404


def test_nearby_places_a_public_tip_no_closer_than_the_public_map(client, app_ctx):
    category = CategoryFactory()
    tip = TipFactory(category=category, lat=POINT[0], lon=POINT[1], status=TipStatus.VERIFIED.value)
    db.session.commit()
    before = nearby_pages(client, category)
    assert all(f"/tips/{tip.id}/me-too" in page for page in before)
    for page in before:
        assert re.search(r"within 100 m|\d+-\d+ m away", page), page
        assert not re.search(r"\b\d{1,2}:\d{2}\b", page), "a time of day is shown"
        assert to_local(tip.created_at).date().isoformat() in page  # the day, as on the public list

    # Anywhere else in the same rounded cell (the public map's precision), every answer is the same:
    # no set of queries can tell positions apart that the public map does not.
    public = (tip.public_lat, tip.public_lon)
    tip.lat, tip.lon = 31.94971, 119.95981
    db.session.commit()
    assert (tip.public_lat, tip.public_lon) == public
    assert nearby_pages(client, category) == before


@pytest.fixture
def limited_app(databases, tmp_path):
    """An app with rate limits on, on its own database (the limiter is shared: switched off after)."""
    from tests.conftest import make_app
    from tipboard.extensions import limiter

    url = databases.new(template=databases.template_arg(databases.pristine))
    application = make_app(url, tmp_path, RATELIMIT_ENABLED=True, RATE_NEARBY="5 per minute")
    yield application
    limiter.reset()
    limiter.enabled = False
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.own_database
def test_nearby_is_rate_limited(limited_app):
    with limited_app.app_context():
        category_id = CategoryFactory().id
        db.session.commit()
    client = limited_app.test_client()
    url = f"/tips/nearby?category={category_id}&lat={POINT[0]}&lon={POINT[1]}"
    statuses = [client.get(url).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2


# --- item 2: a duplicate's reporter -------------------------------------------------------------


def open_as_reporter(app, tip, secret: str):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/tips/track", data={"code": tip.tracking_code, "secret": secret}).status_code == 302
    return client


def test_each_reporter_of_a_merged_pair_sees_only_their_own_conversation(app, app_ctx):
    category = CategoryFactory()
    first = TipFactory(
        category=category,
        status=TipStatus.IN_PROGRESS.value,
        description="Wires hanging low (first report)",
        secret_hash=hash_secret("AAAA-AAAA-AAAA"),
    )
    second = TipFactory(
        category=category,
        description="Low wires on Lane 3 (second)",
        secret_hash=hash_secret("BBBB-BBBB-BBBB"),
    )
    reporter = EventVisibility.REPORTER.value
    first.events += [
        TipEvent(kind=EventKind.REPORTER_MESSAGE.value, body="First's private words", visibility=reporter),
        TipEvent(kind=EventKind.STAFF_MESSAGE.value, body="Station to first, privately", visibility=reporter),
        TipEvent(
            kind=EventKind.STATUS.value,
            status=TipStatus.IN_PROGRESS.value,
            body="Crew booked for Monday",
            visibility=EventVisibility.PUBLIC.value,
        ),
        TipEvent(kind=EventKind.NOTE.value, body="Internal note", visibility=EventVisibility.INTERNAL.value),
    ]
    second.events += [
        TipEvent(kind=EventKind.REPORTER_MESSAGE.value, body="Second's own words", visibility=reporter),
        TipEvent(kind=EventKind.STAFF_MESSAGE.value, body="Station to second", visibility=reporter),
    ]
    second.status, second.duplicate_of = TipStatus.DUPLICATE.value, first
    db.session.commit()

    page = open_as_reporter(app, second, "BBBB-BBBB-BBBB").get(f"/tips/track/{second.tracking_code}")
    html = page.data.decode()
    assert page.status_code == 200
    assert "Second&#39;s own words" in html and "Station to second" in html  # their own exchange stays
    assert "Crew booked for Monday" in html and "Being handled" in html  # the original's public progress
    for private in ("First&#39;s private words", "Station to first", "Internal note", "(first report)"):
        assert private not in html

    html = open_as_reporter(app, first, "AAAA-AAAA-AAAA").get(f"/tips/track/{first.tracking_code}").data
    html = html.decode()
    assert "First&#39;s private words" in html and "Station to first, privately" in html
    assert "Second&#39;s own words" not in html and "Station to second" not in html


# --- item 4: a tracking link without its secret --------------------------------------------------


def test_unknown_code_and_known_code_without_secret_get_the_same_answer(app, app_ctx):
    known = TipFactory(tracking_code="K7K7-K7K7", description="Something only its reporter may read")
    db.session.commit()
    answers = {}
    for code in (known.tracking_code, "Q9Q9-Q9Q9"):
        client = app.test_client()  # a fresh browser each, as a stranger probing codes would be
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        answers[code] = client.get(f"/tips/track/{code}")
    (known_answer, unknown_answer) = answers.values()
    assert known_answer.status_code == unknown_answer.status_code == 200

    def headers(response):  # but for the browser's own session cookie
        return {k: v for k, v in response.headers.items() if k not in ("Set-Cookie", "Date")}

    assert headers(known_answer) == headers(unknown_answer)

    def body(response):  # but for each browser's own CSRF token
        return re.sub(r'name="csrf_token" value="[^"]+"', "", response.data.decode())

    assert body(known_answer).replace("K7K7-K7K7", "Q9Q9-Q9Q9") == body(unknown_answer)
    html = known_answer.data.decode()
    # The code-and-secret form, code filled in, posting to the lookup: a way on, not a dead end.
    assert 'id="track-form"' in html and 'value="K7K7-K7K7"' in html and 'name="secret"' in html
    assert 'action="/tips/track"' in html and "Something only its reporter" not in html

    # The reporter-only actions answer alike too.
    for path in ("message", "followup"):
        statuses = {client.post(f"/tips/track/{code}/{path}", data={}).status_code for code in answers}
        assert len(statuses) == 1 and statuses != {200}
