"""A hazard reported from a patrol shift is a duty record in the volunteer's name; its origin token
is signed, expires, and counts only for the volunteer it was issued to."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory
from tests.patrols.conftest import make_shift
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import patrol_log
from tipboard.patrols.models import Observation, SignUp
from tipboard.tips.models import Tip


@pytest.fixture
def on_duty(patrol):
    shift = make_shift(patrol["point_a"], utcnow() - dt.timedelta(minutes=10))
    db.session.add(SignUp(shift_id=shift.id, user_id=patrol["volunteers"][0].id, status="confirmed"))
    shift.confirmed_count = 1
    db.session.commit()
    return shift


def _origin_of(page: str) -> str:
    return re.search(r'name="origin" type="hidden" value="([^"]+)"', page).group(1)


def _send(client, category, origin, anonymous="y"):
    return client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Blocked fire exit at the market",
            "address": "Point A",
            "anonymous": anonymous,
            "origin": origin,
        },
    )


def test_a_report_on_duty_is_a_named_duty_record_and_says_so(client, patrol, on_duty, login):
    category = CategoryFactory()
    volunteer = patrol["volunteers"][0]
    login(client, volunteer)
    location = client.get(f"/patrols/shifts/{on_duty.id}/report-hazard").headers["Location"]
    page = client.get(location).data.decode()
    assert "duty record" in page and "sent with your name" in page
    assert "Stay anonymous" not in page and "not linked to you" not in page
    # Even a tampered form that ticks "anonymous" files it in the volunteer's name.
    assert _send(client, category, _origin_of(page), anonymous="y").status_code == 302
    tip = db.session.scalars(sa.select(Tip)).one()
    assert not tip.anonymous and tip.reporter_id == volunteer.id
    observation = db.session.scalars(sa.select(Observation)).one()
    assert (observation.tip_id, observation.shift_id, observation.user_id) == (
        tip.id,
        on_duty.id,
        volunteer.id,
    )


def test_a_replayed_origin_writes_nothing_in_the_volunteers_name(app, patrol, on_duty, login):
    category = CategoryFactory()
    token = patrol_log.origin_token(on_duty, patrol["volunteers"][0])
    stranger = app.test_client()  # signed out
    page = stranger.get("/tips/new", query_string={"origin": token}).data.decode()
    assert "duty record" not in page
    assert _send(stranger, category, token).status_code == 302
    colleague = login(app.test_client(), patrol["volunteers"][1])  # signed in, but not the owner
    assert "duty record" not in colleague.get("/tips/new", query_string={"origin": token}).data.decode()
    assert _send(colleague, category, token).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 0
    # Both stay the anonymous tips they were sent as: linked to nobody, the token's owner included.
    assert [(t.anonymous, t.reporter_id) for t in db.session.scalars(sa.select(Tip))] == [(True, None)] * 2


@pytest.mark.parametrize("kind", ["unsigned", "expired", "off_duty"])
def test_a_forged_stale_or_off_duty_origin_is_ignored(client, patrol, on_duty, login, monkeypatch, kind):
    volunteer = patrol["volunteers"][0]
    token = patrol_log.origin_token(on_duty, volunteer)
    if kind == "unsigned":
        token = token.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAA"
    elif kind == "expired":
        monkeypatch.setattr(patrol_log, "MAX_AGE", -1)
    else:
        db.session.execute(sa.update(SignUp).values(status="dropped"))
        db.session.commit()
    login(client, volunteer)
    assert "duty record" not in client.get("/tips/new", query_string={"origin": token}).data.decode()
    assert _send(client, CategoryFactory(), token, anonymous="").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Observation)) == 0
