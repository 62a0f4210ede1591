"""Links with secrets in them: built from BASE_URL (never the Host header), never stored or logged
in plain text, and a reset token works exactly once even when posted many times at once."""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug._internal import _log as werkzeug_log

from tests.factories import UserFactory
from tipboard import create_app
from tipboard.auth.models import PasswordResetToken
from tipboard.extensions import db, limiter
from tipboard.links import external_url
from tipboard.notify.worker import deliver_pending
from tipboard.outbox import OutboxMessage
from tipboard.redaction import redact

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a brand new passphrase"
TOKEN_IN_LINK = re.compile(r"https?://[^/\s]+/auth/reset/([A-Za-z0-9_\-]+)")


def _reset_message(user) -> OutboxMessage:
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.user_id == user.id, OutboxMessage.key == "auth.password_reset"
        )
    ).one()


def _sent_link(user) -> str:
    """The link as it is sent (the only place it exists)."""
    _subject, body = _reset_message(user).render("en", delivering=True)
    return TOKEN_IN_LINK.search(body).group(0)


# --- item 5: links come from BASE_URL, hosts are checked in production ----------------------------


def test_a_forged_host_header_does_not_reach_the_reset_link(app, app_ctx, client):
    user = UserFactory(email="host@example.test")
    db.session.commit()
    response = client.post(
        "/auth/reset", data={"login": "host@example.test"}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 302
    link = _sent_link(user)
    assert link.startswith(app.config["BASE_URL"] + "/auth/reset/"), link
    assert "evil.example" not in link


def test_external_url_uses_base_url_with_its_path(app_ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://tips.example.org/board")
    assert external_url("tips.track", code="ABCD") == "https://tips.example.org/board/tips/track?code=ABCD"


def test_no_external_url_for_left_in_the_package():
    """The class, not just the reset link: url_for(..., _external=True) takes the Host header."""
    offenders = [
        f"{path.relative_to(ROOT)}:{no}"
        for path in (ROOT / "tipboard").rglob("*.py")
        for no, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b_external=True", line)
    ]
    offenders += [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"\b_external=True", path.read_text())
    ]
    assert offenders == []


@pytest.fixture
def production(databases, tmp_path):
    """A production app on its own database; gives the shared limiter back as it was."""
    was_enabled = limiter.enabled
    made = []

    def build(**settings):
        url = databases.new(template=databases.template_arg(databases.pristine))
        overrides = {
            "DATABASE_URL": url,
            "SECRET_KEY": "x" * 40,
            "INSTANCE_DIR": str(tmp_path),
            "PHOTO_DIR": str(tmp_path / "photos"),
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
        }
        application = create_app("production", overrides={**overrides, **settings})
        made.append(application)
        return application

    yield build
    limiter.enabled = was_enabled
    for application in made:
        with application.app_context():
            db.engine.dispose()


def test_production_needs_a_base_url(production):
    with pytest.raises(RuntimeError, match="BASE_URL"):
        production()


def test_production_refuses_hosts_it_does_not_serve(production):
    application = production(BASE_URL="https://tips.example.org")
    assert application.config["TRUSTED_HOSTS"] == ["tips.example.org"]
    client = application.test_client()
    assert client.get("/auth/reset", base_url="https://tips.example.org").status_code == 200
    assert client.get("/auth/reset", base_url="https://evil.example").status_code == 400
    assert (
        client.post("/auth/reset", data={"login": "x"}, headers={"Host": "evil.example"}).status_code == 400
    )


def test_trusted_hosts_from_the_environment(production, monkeypatch):
    monkeypatch.setenv("TIPBOARD_TRUSTED_HOSTS", "a.example, b.example")
    application = production(BASE_URL="https://a.example")
    assert application.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
    client = application.test_client()
    assert client.get("/auth/reset", base_url="https://b.example").status_code == 200
    assert client.get("/auth/reset", base_url="https://c.example").status_code == 400


# --- item 6: no token in the outbox, its log, or the access logs --------------------------------------


def test_the_outbox_keeps_no_reset_token_and_its_log_redacts_it(app, app_ctx, client, tmp_path, monkeypatch):
    user = UserFactory(email="outbox@example.test")
    db.session.commit()
    client.post("/auth/reset", data={"login": "outbox@example.test"})
    link = _sent_link(user)
    token = link.rsplit("/", 1)[1]
    message = _reset_message(user)
    assert token not in json.dumps(message.params)
    assert token not in message.render("en")[1]  # the in-app inbox shows a placeholder
    assert "not shown here" in message.render("en")[1]
    assert db.session.scalar(sa.select(PasswordResetToken.token_hash)) != token

    monkeypatch.setitem(app.config, "OUTBOX_BACKEND", "log")
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    assert deliver_pending() >= 1
    logged = (tmp_path / "outbox.log").read_text()
    assert "/auth/reset/[redacted]" in logged and token not in logged

    # The link as sent still works.
    assert client.get(f"/auth/reset/{token}").status_code == 200
    response = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_every_route_with_a_token_in_its_path_is_redacted(app):
    secret_rules = [r for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert secret_rules  # reset, calendar feed, check-in scan
    with app.test_request_context():
        for rule in secret_rules:
            values = {name: "1" for name in rule.arguments}
            values["token"] = "SeCrEt-T0ken_value.part.two"
            path = app.url_map.bind("localhost").build(rule.endpoint, values)
            line = f'"GET {path} HTTP/1.1" 200'
            assert "SeCrEt" not in redact(line), (rule.rule, redact(line))
            assert "[redacted]" in redact(line)


def test_dev_server_log_redacts_secret_paths(app, caplog):
    """The werkzeug request line, logged the way werkzeug's serving.py logs it."""
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        werkzeug_log(
            "info",
            '203.0.113.9 - - [02/Dec/2026 07:00:00] "%s" %s %s\n',
            "GET /patrols/calendar/SeCrEtFeed.ics HTTP/1.1",
            "200",
            "-",
        )
        werkzeug_log(
            "info", '203.0.113.9 - - [02/Dec/2026 07:00:00] "POST /auth/reset/SeCrEt HTTP/1.1" 302 -'
        )
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "/patrols/calendar/[redacted].ics" in text and "/auth/reset/[redacted]" in text
    assert "SeCrEt" not in text and "203.0.113.9" not in text


def test_gunicorn_access_log_redacts_secret_paths():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    cfg.set("logger_class", conf.logger_class)
    logger = conf.logger_class(cfg)

    class Response:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/auth/reset/SeCrEt?x=1",
        "PATH_INFO": "/auth/reset/SeCrEt",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "x=1",
    }
    import datetime as dt

    atoms = logger.atoms(Response(), {}, environ, dt.timedelta(milliseconds=5))
    line = conf.access_log_format % logger.atoms_wrapper_class(atoms)
    assert "/auth/reset/[redacted]" in line and "SeCrEt" not in line
    assert "SeCrEt" not in atoms["r"]


# --- item 6: one use of a reset token, even at once ----------------------------------------------------


def test_a_reset_token_posted_many_times_at_once_works_once(fresh_app):
    with fresh_app.app_context():
        UserFactory(email="race@example.test")
        db.session.commit()
    with fresh_app.test_request_context():
        from tipboard.auth.reset import request_reset

        token = request_reset("race@example.test")
        db.session.commit()
        db.session.remove()
    n = 12
    barrier = threading.Barrier(n, timeout=60)
    statuses, errors = [], []

    def post(i: int) -> None:
        client = fresh_app.test_client()
        try:
            barrier.wait()
            password = f"new passphrase number {i:02d}"
            response = client.post(f"/auth/reset/{token}", data={"password": password, "confirm": password})
            statuses.append(response.status_code)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert statuses.count(302) == 1, statuses
    assert sorted(set(statuses) - {302}) == [404], statuses
