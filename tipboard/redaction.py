"""Secret path segments kept out of access logs and the delivery log.

Some URLs carry a bearer secret in their path (a password-reset token, a calendar feed token, a
patrol point's check-in token, a tip form's pending-photo token, an Open311 request token). Whoever reads a log line holding one could use it, so both access
logs (the dev server's werkzeug log, gunicorn's request line) and the outbox log pass their text
through :func:`redact`. ``tests/security/test_log_redaction.py`` checks that every route with a
``<token>`` in its path is covered here.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# A secret route's prefix, then its secret segment (up to "/", "?", "#", a quote or white space;
# a feed's ".ics" suffix is kept).
_SECRET_PATHS = re.compile(
    r"(/auth/reset/|/patrols/calendar/|/patrols/scan/|/tips/pending/|/open311/v2/tokens/)"
    r"([^/?#\s\"']+?)(\.ics|\.json|\.xml)?(?=[/?#\s\"']|$)"
)


def redact(text: str) -> str:
    """``text`` with every secret path segment replaced by ``[redacted]``."""
    return _SECRET_PATHS.sub(lambda m: m.group(1) + REDACTED + (m.group(3) or ""), text)
