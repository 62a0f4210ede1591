"""Security headers on every kind of response, cookie flags, and a CSP-clean template tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Response

from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, UserFactory
from tests.security.matrix import sign_in
from tipboard import create_app
from tipboard.extensions import db
from tipboard.permissions import public

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

KINDS = {
    "html": "/",
    "json": "/tips/public.json",
    "error-404": "/no-such-page",
    "static": "/static/css/site.css",
    "health": "/healthz",
}


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        if part.strip():
            name, _, value = part.strip().partition(" ")
            directives[name] = value
    return directives


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_headers_on_every_response_kind(client, kind):
    response = client.get(KINDS[kind])
    assert response.status_code < 500
    csp = _csp(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert csp.get("frame-ancestors") == "'none'"
    assert csp.get("object-src") == "'none'"
    assert "script-src" in csp and "style-src" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


def test_json_error_carries_headers(client):
    response = client.get("/inbox", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hsts_over_https(client, kind):
    response = client.get(KINDS[kind], base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_scripts_and_styles_only_from_our_own_files(client, kind):
    # No nonce, hash or inline allowance: the templates hold no inline script or style (below).
    csp = _csp(client.get(KINDS[kind]))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["default-src"] == "'self'"


def test_headers_a_view_set_itself_are_kept(databases, tmp_path):
    fresh = make_app(databases.pristine, tmp_path)
    fresh.add_url_rule(
        "/_own_headers",
        "own_headers",
        public(
            lambda: Response("x", headers={"X-Frame-Options": "SAMEORIGIN", "referrer-policy": "same-origin"})
        ),
    )
    response = fresh.test_client().get("/_own_headers")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Referrer-Policy") == ["same-origin"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/tips/track", "/auth/login", "/auth/register", "/inbox", "/tips/receipt", "/moderation/"]
)
def test_sensitive_pages_are_not_cached(client, path):
    response = client.get(path)
    assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_sensitive_pages_signed_in(client, users, app_ctx):
    sign_in(client, users["staff"])
    for path in ("/inbox", "/auth/settings", "/moderation/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path


def _cookie_attrs(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}, header
    return None, None


def test_session_and_remember_cookies_flags(client, app_ctx):
    user = UserFactory(email="cookies@example.test")
    db.session.commit()
    response = client.post(
        "/auth/login", data={"login": "cookies@example.test", "password": TEST_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        attrs, raw = _cookie_attrs(response, name)
        assert attrs is not None, f"{name} cookie not set"
        assert "httponly" in attrs, raw
        assert "samesite=lax" in raw.lower(), raw
        assert "secure" not in attrs  # test config is plain http
    assert user.id


def test_production_cookies_are_secure(databases, tmp_path):
    url = databases.new(template=databases.template_arg(databases.pristine))
    prod = create_app(
        "production",
        overrides={
            "DATABASE_URL": url,
            "SECRET_KEY": "x" * 40,
            "BASE_URL": "http://localhost",
            "PHOTO_DIR": str(tmp_path / "p"),
            "INSTANCE_DIR": str(tmp_path),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        },
    )
    with prod.app_context():
        UserFactory(email="prod@example.test")
        db.session.commit()
        client = prod.test_client()
        response = client.post(
            "/auth/login",
            base_url="https://localhost",
            data={"login": "prod@example.test", "password": TEST_PASSWORD, "remember": "y"},
        )
        assert response.status_code == 302
        for name in ("session", "remember_token"):
            attrs, raw = _cookie_attrs(response, name)
            assert attrs is not None, name
            assert {"secure", "httponly"} <= attrs, raw
            assert "samesite=lax" in raw.lower(), raw
        db.session.remove()
        db.engine.dispose()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_templates_have_no_inline_script_or_style():
    files = sorted(TEMPLATES.rglob("*.html"))
    assert files
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("style attribute", INLINE_STYLE_ATTR),
            ("<style>", STYLE_TAG),
            ("on* handler", EVENT_HANDLER),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert not offenders, offenders
