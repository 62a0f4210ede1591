"""Fixtures of the notify tests: the real sending backend and a fresh VAPID key pair."""

from __future__ import annotations

import pytest

from tipboard.notify.cli import new_vapid_keys


@pytest.fixture
def send(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_BACKEND", "send")
    return app


@pytest.fixture
def vapid(app, monkeypatch):
    """A VAPID key pair, and local push services allowed (the tests' own HTTP servers)."""
    private, public = new_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    monkeypatch.setitem(app.config, "WEBPUSH_ENDPOINT_HOSTS", ["127.0.0.1"])
    return public
