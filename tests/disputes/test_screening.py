"""Screening rounds: per grid and day, who screened, each dispute found becomes a case."""

from __future__ import annotations

import sqlalchemy as sa

from tests.disputes.conftest import english
from tests.factories import GridFactory
from tipboard.disputes.models import Channel, DisputeCase, ScreeningRound
from tipboard.extensions import db
from tipboard.moderation.services import item_for


def test_a_round_with_two_disputes_opens_two_cases(app, world, login):
    grid = GridFactory()
    db.session.commit()
    client = login(english(app), world.users["gridworker"])
    response = client.post(
        "/disputes/screening",
        data={
            "grid": grid.id,
            "day": "2026-11-30",
            "screeners": "Grid worker Zheng, Officer Zhang",
            "found-0-kind": "pets",
            "found-0-facts": "Dog barking at night in building 3.",
            "found-0-party": "Mrs Li",
            "found-1-kind": "family",
            "found-1-facts": "Brothers quarrel over parking.",
            "found-2-kind": "noise",
            "found-2-facts": "",
        },
    )
    assert response.status_code == 302
    round_ = db.session.scalar(sa.select(ScreeningRound))
    cases = db.session.scalars(
        sa.select(DisputeCase).where(DisputeCase.source == f"screening:{round_.id}")
    ).all()
    assert sorted(c.kind for c in cases) == ["family", "pets"]
    assert all(c.channel == Channel.SCREENING.value and c.grid_id == grid.id for c in cases)
    assert all(item_for("dispute", c.id) is not None for c in cases)
    assert "2 disputes found" in client.get("/disputes/screening").get_data(as_text=True)


def test_residents_and_mediators_cannot_record_rounds(app, world, login):
    for user in (world.applicant, world.mediator):
        assert login(english(app), user).get("/disputes/screening").status_code == 403
