"""Figures: time to first answer (median, 90th percentile), within target, by firm and lawyer;
consultations and hours per firm; the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from tipboard.extensions import db
from tipboard.legal import figures, office, questions
from tipboard.legal.models import OfficeSlot

# 2031-03-10 10:00 station time, as naive UTC
BASE = dt.datetime(2031, 3, 10, 2, 0)


def test_percentile_nearest_rank():
    assert figures.percentile([], 90) is None
    assert figures.percentile([5.0], 90) == 5.0
    assert figures.percentile([float(i) for i in range(1, 11)], 90) == 9.0
    assert figures.percentile([float(i) for i in range(1, 11)], 50) == 5.0


def _answered_after(legal, hours: float, lawyer):
    question = questions.ask("labour", "q", None, now=BASE).question
    return question, questions.reply(question, lawyer, "a", now=BASE + dt.timedelta(hours=hours))


def test_question_figures_by_firm_and_lawyer(legal):
    for hours in (0.5, 1, 1.5, 3, 10):  # target: 2 hours by day
        _answered_after(legal, hours, legal["on"])
    questions.ask("labour", "never answered", None, now=BASE)
    result = figures.question_figures(dt.date(2031, 3, 1))
    total = result["total"][0]
    assert (total.asked, total.answered, total.within_target) == (6, 5, 3)
    assert total.median_h == 1.5 and total.p90_h == 10.0 and total.within_pct == 60
    assert [(r.label, r.answered) for r in result["by_firm"]] == [("Firm A", 5)]
    assert [(r.label, r.answered) for r in result["by_lawyer"]] == [(legal["on"].name, 5)]
    assert figures.question_figures(dt.date(2031, 4, 1))["total"][0].asked == 0


def test_consultation_figures_and_csv(app, client, login, legal):
    hours = office.add_office_hours(legal["firm_a"], 0, dt.time(9), dt.time(12), 3)
    slot = OfficeSlot(
        office_hours_id=hours.id,
        organisation_id=legal["firm_a"].id,
        starts_at=BASE,
        ends_at=BASE + dt.timedelta(hours=3),
        places=3,
        booked=0,
    )
    db.session.add(slot)
    db.session.flush()
    held = office.book(slot, legal["users"]["resident"], now=BASE - dt.timedelta(days=1))
    gone = office.book(slot, legal["users"]["volunteer"], now=BASE - dt.timedelta(days=1))
    office.record_outcome(held, "mediation")
    office.record_outcome(gone, None)
    [row] = figures.consultation_figures(dt.date(2031, 3, 1))
    assert (row.firm, row.held, row.no_shows, row.sittings, row.hours) == ("Firm A", 1, 1, 1, 3.0)
    assert row.outcomes == {"mediation": 1}
    _answered_after(legal, 1, legal["on"])
    login(client, legal["users"]["supervisor"])
    assert "Firm A" in client.get("/legal/figures?month=2031-03").text
    assert client.get("/legal/figures?month=March").status_code == 400
    response = client.get("/legal/figures.csv?month=2031-03")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["month", "kind", "name", "asked"]
    assert rows[-1][:3] == ["2031-03", "office_hours", "Firm A"] and rows[-1][-1] == "3.0"
    assert any(r[1] == "lawyer" and r[2] == legal["on"].name for r in rows)
    login(client, legal["users"]["staff"])
    assert client.get("/legal/figures").status_code == 403
    assert client.get("/legal/figures.csv").status_code == 403


def test_the_figures_csv_neutralises_a_hostile_lawyer_name(client, login, legal):
    hostile = '=HYPERLINK("http://evil.example/","Click")'
    legal["on"].name = hostile
    _answered_after(legal, 1, legal["on"])
    login(client, legal["users"]["supervisor"])
    rows = list(
        csv.reader(io.StringIO(client.get("/legal/figures.csv?month=2031-03").data.decode("utf-8-sig")))
    )
    assert any(r[1] == "lawyer" and r[2] == "'" + hostile for r in rows)
