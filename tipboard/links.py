"""Absolute links the app writes into messages, feeds and QR codes.

They come from the configured ``BASE_URL``, never from the request's Host header: a request for
``evil.example`` must not make the app send a live password-reset link to ``evil.example``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app
from werkzeug.exceptions import SecurityError


def external_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL on the configured ``BASE_URL``."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def base_host(base_url: str) -> str:
    """The host name of a base URL (no port), for ``TRUSTED_HOSTS``."""
    host = urlsplit(base_url).hostname
    if not host:
        raise RuntimeError(f"TIPBOARD_BASE_URL {base_url!r} is not an absolute http(s) URL")
    return host


def untrusted_host(exc: SecurityError) -> Response:
    """A request for a host the app does not serve (TRUSTED_HOSTS): plain 400, since no URL can be
    built for such a request (the error page's links would fail)."""
    return Response("Unknown host.\n", status=400, mimetype="text/plain")
