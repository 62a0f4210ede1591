"""The front door: a resident landing on the home page can reach the report form and the tracking
page, in either language, without an account."""

import re

import pytest


@pytest.mark.parametrize(
    ("language", "station", "report"),
    [
        ("en", "Weicun Community Police Station", "Report a hazard or tip"),
        ("zh-CN", "魏村派出所", "举报隐患或线索"),
    ],
)
def test_home_page_leads_a_visitor_to_the_report_form(app, client, language, station, report):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f"<h1>{station}</h1>" in html
    links = dict(re.findall(r'href="(/tips/[a-z]+)">([^<]+)</a>', html))
    assert links["/tips/new"] == report
    assert "/tips/track" in links
    form = client.get("/tips/new")
    assert form.status_code == 200 and 'name="description"' in form.get_data(as_text=True)
