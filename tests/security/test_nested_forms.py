"""No form inside a form, on any page: browsers drop the inner <form> tag, so its button submits the
outer form instead (issue 17: "I saw this too" in the nearby list sent the tip form)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.factories import CategoryFactory, TipFactory
from tests.security.matrix import ACCESS, ROLES, allowed_roles, build_url, method_of, sign_in
from tipboard.extensions import db
from tipboard.tips.models import TipStatus

# Elements whose content scripts replace with HTML fetched from the server (which may hold forms).
FRAGMENT_TARGETS = {"nearby-live"}


class FormNesting(HTMLParser):
    """Finds forms opened inside another form, and fragment targets placed inside a form."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.nested: list[int] = []  # line numbers of inner forms
        self.targets_in_forms: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            if self.depth:
                self.nested.append(self.getpos()[0])
            self.depth += 1
        elif self.depth and dict(attrs).get("id") in FRAGMENT_TARGETS:
            self.targets_in_forms.append(dict(attrs)["id"])

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1


def nesting(html: str) -> FormNesting:
    parser = FormNesting()
    parser.feed(html)
    parser.close()
    return parser


def test_the_checker_sees_a_nested_form():
    found = nesting('<form><div id="nearby-live"><form></form></div></form><form></form>')
    assert found.nested == [1] and found.targets_in_forms == ["nearby-live"]


GET_PAGES = sorted(endpoint for endpoint, spec in ACCESS.items() if method_of(spec) == "GET")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_no_page_nests_a_form(app, users, role):
    """Every page reachable by GET for this role (the role x route matrix's list)."""
    category = CategoryFactory()
    TipFactory(category=category, status=TipStatus.VERIFIED.value)
    db.session.commit()
    client = app.test_client()
    if role is not None:
        sign_in(client, users[role])
    problems, rendered = [], 0
    for endpoint in GET_PAGES:
        spec = ACCESS[endpoint]
        if role not in allowed_roles(spec):
            continue
        response = client.get(build_url(app, endpoint, spec))
        if not response.content_type.startswith("text/html"):
            continue
        rendered += 1
        found = nesting(response.get_data(as_text=True))
        if found.nested or found.targets_in_forms:
            problems.append((endpoint, found.nested, found.targets_in_forms))
    assert rendered > 5
    assert not problems, problems


def test_the_nearby_list_and_its_forms_stay_outside_the_tip_form(client, app_ctx):
    category = CategoryFactory()
    TipFactory(category=category, lat=31.9520, lon=119.9600, status=TipStatus.VERIFIED.value)
    db.session.commit()
    blank = client.get("/tips/new").get_data(as_text=True)
    assert 'id="nearby-live"' in blank
    found = nesting(blank)
    assert found.targets_in_forms == [] and found.nested == []

    # The live list the script puts into #nearby-live holds forms of its own ...
    fragment = client.get(f"/tips/nearby?category={category.id}&lat=31.9521&lon=119.9601").get_data(
        as_text=True
    )
    assert "<form" in fragment
    # ... and so does the form's own "is it one of these?" step after a submit.
    step = client.post(
        "/tips/new",
        data={
            "category": str(category.id),
            "description": "Cables hanging low",
            "anonymous": "y",
            "lat": "31.9521",
            "lon": "119.9601",
        },
    )
    assert step.status_code == 200 and "I saw this too" in step.get_data(as_text=True)
    found = nesting(step.get_data(as_text=True))
    assert found.targets_in_forms == [] and found.nested == []
