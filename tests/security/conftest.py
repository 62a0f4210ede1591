"""Fixtures for the security tests."""

from __future__ import annotations

import pytest
from flask import g, request_started


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """Forget per-request state that Flask keeps on ``g``.

    The suite's ``_transaction`` fixture holds one app context for the whole test, so ``g``
    outlives each test-client request; Flask-Login caches the user in ``g._login_user``. A real
    server has a new app context per request; without this, a replayed cookie after logout or a
    stale pre-login cookie would be judged by the previous request's cached user.
    """

    def forget(sender, **extra):
        g.pop("_login_user", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
