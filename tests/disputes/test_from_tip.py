"""A neighbourhood-dispute tip becomes a case only with its reporter's consent, anonymous to the other side."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.disputes.conftest import english
from tests.factories import CategoryFactory, TipFactory
from tipboard.disputes.models import Channel, DisputeCase
from tipboard.extensions import db


def _tracking(app, tip):
    client = english(app)
    assert (
        client.post("/tips/track", data={"code": tip.tracking_code, "secret": "TEST-TEST-TEST"}).status_code
        == 302
    )
    return client


def test_the_reporter_is_asked_and_a_case_opens_once(app, app_ctx):
    tip = TipFactory(category=CategoryFactory(slug="dispute"), description="Neighbour's dog barks all night.")
    db.session.commit()
    client = _tracking(app, tip)
    page = client.get(f"/tips/track/{tip.tracking_code}").get_data(as_text=True)
    assert "Settle it by mediation?" in page
    response = client.post(f"/disputes/from-tip/{tip.tracking_code}", data={"name": "A neighbour"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/disputes/receipt")
    receipt = client.get("/disputes/receipt").get_data(as_text=True)
    code = re.search(r'id="case-code">([^<]+)<', receipt).group(1)
    case = db.session.scalar(sa.select(DisputeCase).where(DisputeCase.code == code))
    assert case.channel == Channel.TIP.value and case.source == f"tip:{tip.id}"
    assert case.parties[0].hidden_from_other and case.parties[0].user_id is None
    assert client.get(f"/disputes/case/{code}").status_code == 200
    client.post(f"/disputes/from-tip/{tip.tracking_code}", data={"name": "Again"})
    assert db.session.scalar(sa.select(sa.func.count()).where(DisputeCase.source == f"tip:{tip.id}")) == 1
    assert code in client.get(f"/tips/track/{tip.tracking_code}").get_data(as_text=True)


def test_other_tips_are_not_offered_and_strangers_cannot_convert(app, app_ctx):
    hazard = TipFactory(category=CategoryFactory(slug="fire-hazard"))
    dispute = TipFactory(category=CategoryFactory(slug="dispute"))
    db.session.commit()
    client = _tracking(app, hazard)
    assert "Settle it by mediation?" not in client.get(f"/tips/track/{hazard.tracking_code}").get_data(
        as_text=True
    )
    client.post(f"/disputes/from-tip/{hazard.tracking_code}", data={"name": "X"})
    assert (
        english(app).post(f"/disputes/from-tip/{dispute.tracking_code}", data={"name": "X"}).status_code
        == 403
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisputeCase)) == 0
