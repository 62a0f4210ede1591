"""Headers, CSRF, no state change on GET, upload refusals and the anonymity promise."""
import io
import logging
import re
import resource
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import make_app
from tests.factories import CategoryFactory
from tests.images import jpeg_with_gps, pixel_flood_png
from tests.security.test_route_matrix import ACCESS, _url
from tipboard.extensions import db
from tipboard.tips.models import Tip

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/tips/public.json", "/static/css/site.css", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp and "script-src 'self' 'nonce-" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    assert "max-age" in client.get("/", base_url="https://tipboard.test").headers["Strict-Transport-Security"]


def test_sensitive_pages_are_not_cached(client):
    for path in ("/tips/track", "/auth/login", "/auth/register"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_cookies_are_httponly_lax_and_secure_in_production(app, monkeypatch):
    from config import ProductionConfig

    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    response = app.test_client().post("/lang", data={"lang": "en"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_templates_have_no_inline_scripts_or_styles():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path}"
        assert "<style" not in text and not re.search(r"\sstyle=\"", text), f"inline style in {path}"
        assert not re.search(r"\son[a-z]+=\"", text), f"inline event handler in {path}"


@pytest.fixture
def csrf_app(databases, tmp_path):
    url = databases.new(template=databases.template_arg(databases.pristine))
    application = make_app(url, tmp_path, WTF_CSRF_ENABLED=True)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.own_database
def test_every_state_changing_route_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    posts = [(e, entry) for e, entry in ACCESS.items() if entry.get("method") == "POST"]
    posts += [(e, {"params": ACCESS[e].get("params", {})}) for e in ("tips.new", "tips.track", "auth.login",
                                                                   "auth.register", "rewards.redeem", "rewards.nominate")]
    assert len(posts) > 30
    for endpoint, entry in posts:
        response = client.post(_url(csrf_app, endpoint, entry), data={"x": "1"})
        assert response.status_code in (302, 400, 401, 403), (endpoint, response.status_code)
        assert response.status_code != 500
        if response.status_code == 302:  # a login redirect for a page that needs an account
            assert "/auth/login" in response.headers["Location"], endpoint


def test_get_requests_change_nothing(app, client, users, login):
    login(client, users["admin"])

    def counts():
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}

    CategoryFactory()
    db.session.commit()
    before = counts()
    for endpoint, entry in ACCESS.items():
        if entry.get("method", "GET") == "GET":
            client.get(_url(app, endpoint, entry))
    assert counts() == before


@pytest.fixture
def category(app_ctx):
    return CategoryFactory()


def _svg():
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


def _polyglot():
    """A GIF header followed by script: a classic image/script polyglot (GIF is not accepted)."""
    return b"GIF89a/*\x00\x00*/=1;alert(1);"


@pytest.mark.parametrize("name,content", [
    ("shell.jpg", b"#!/bin/sh\necho owned\n"), ("pic.svg", _svg()), ("page.jpg", b"<!doctype html><script>x</script>"),
    ("flood.png", pixel_flood_png(60000, 60000)), ("cut.jpg", jpeg_with_gps()[:300]), ("files.jpg", _zip()),
    ("poly.gif", _polyglot()),
])
def test_bad_uploads_are_refused_without_a_500_or_a_memory_blowup(client, category, name, content):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = client.post("/tips/new", content_type="multipart/form-data", data={
        "category": str(category.id), "description": "A report with a bad file", "address": "Lane 2",
        "anonymous": "y", "photos": [(io.BytesIO(content), name)]})
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert response.status_code == 400 and b'class="error"' in response.data
    assert grown_mb < 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0


@pytest.mark.own_database
def test_anonymous_tip_leaves_no_trace_of_the_tipster(databases, tmp_path, caplog):
    """IP, user agent and the photo's GPS appear nowhere: not in the database, the photo or the log."""
    url = databases.new(template=databases.template_arg(databases.pristine))
    application = make_app(url, tmp_path, PROXY_COUNT=1, LOG_LEVEL="DEBUG")
    ip, forwarded, agent = "198.51.100.77", "203.0.113.99", "TipsterPhone/9.9 (UniqueAgentString)"
    with application.app_context():
        category = CategoryFactory()
        db.session.commit()
        category_id = category.id
    client = application.test_client()
    headers = {"User-Agent": agent, "X-Forwarded-For": forwarded}
    photo = jpeg_with_gps()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("werkzeug").info('%s - - [x] "POST /tips/new HTTP/1.1" 302 -', ip)
        response = client.post("/tips/new", content_type="multipart/form-data", headers=headers,
                               environ_base={"REMOTE_ADDR": ip}, data={
                                   "category": str(category_id), "description": "Anonymous hazard with GPS photo",
                                   "address": "Lane 9", "anonymous": "y",
                                   "photos": [(io.BytesIO(photo), "gps.jpg")]})
        assert response.status_code == 302
        client.get("/tips/receipt", headers=headers, environ_base={"REMOTE_ADDR": ip})
    with application.app_context():
        dump = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                dump.append(repr(tuple(row)))
        tip = db.session.scalars(sa.select(Tip)).one()
        stored = [(Path(application.config["PHOTO_DIR"]) / p.file_name).read_bytes() for p in tip.photos]
        stored += [(Path(application.config["PHOTO_DIR"]) / p.thumb_name).read_bytes() for p in tip.photos]
        assert tip.reporter_id is None and tip.lat is None
        db.session.remove()
        db.engine.dispose()
    haystacks = ["\n".join(dump), caplog.text] + [b.decode("latin-1") for b in stored]
    outbox = tmp_path / "outbox.log"
    if outbox.exists():
        haystacks.append(outbox.read_text())
    needles = [ip, forwarded, agent, "UniqueAgentString", "31.952", "119.96", "31,57", "119,57", "PhoneMaker"]
    for haystack in haystacks:
        for needle in needles:
            assert needle not in haystack, needle
