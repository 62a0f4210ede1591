"""gunicorn.conf.py: the access log never records the client address (or the query string)."""

from __future__ import annotations

import time

import pytest

from tests.production.harness import Client, Server, migrate, server_env

pytestmark = pytest.mark.slow


def test_access_log_has_no_client_address(databases, tmp_path):
    url = databases.new()
    env = server_env(url, tmp_path)
    migrate(env)
    server = Server(env, workers=2)
    log = tmp_path / "access.log"
    server.env["GUNICORN_ACCESSLOG"] = str(log)
    with server:
        assert Client(server.port).get("/tips/new?address=Secret+lane")[0] == 200
        for _ in range(50):  # the line is written after the response; wait for it, bounded
            if log.exists() and "/tips/new" in log.read_text():
                break
            time.sleep(0.1)
    text = log.read_text()
    assert '"GET /tips/new HTTP/1.1" 200' in text
    assert "127.0.0.1" not in text
    assert "Secret" not in text
