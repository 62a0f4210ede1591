"""Rate-limit keys that identify a client without keeping its address.

Flask-Limiter needs a key per client. The raw address would end up in Redis (or in memory),
which an anonymous tipster must not have to trust, so the key is a keyed hash of the address:
stable enough to count requests, useless for finding a person.
"""

import hashlib
import hmac

from flask import current_app, request


def client_key() -> str:
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


def limit(setting: str):
    """A limit string read from config at request time (``RATE_TIP_SUBMIT`` ...)."""
    return lambda: current_app.config[setting]
