"""Routes of the api blueprint. The Open311 POST admits whoever holds a client key (checked in the
view, not by role): ``prepare`` gives the matrix tests a key, and ``key_only`` tells the CSRF test
that the route takes no cookie credential (it refuses a request without a key with 403)."""

from tipboard.api.clients import issue_client

ADMIN_ONLY = ("admin",)


def _with_client_key(user) -> dict:
    _client, key = issue_client("matrix client")
    return {"data": {"api_key": key}}


ACCESS = {
    "api.clients_page": {"roles": ADMIN_ONLY},
    "api.revoke_client": {"roles": ADMIN_ONLY, "method": "POST", "params": {"client_id": 999999}},
    "api.open311_discovery": {"roles": "public"},
    "api.open311_services": {"roles": "public", "params": {"fmt": "json"}},
    "api.open311_service": {"roles": "public", "params": {"code": "none", "fmt": "xml"}},
    "api.open311_post": {
        "roles": "public",
        "method": "POST",
        "params": {"fmt": "json"},
        "prepare": _with_client_key,
        "key_only": True,
    },
    "api.open311_requests": {"roles": "public", "params": {"fmt": "xml"}},
    "api.open311_request": {"roles": "public", "params": {"request_id": 999999, "fmt": "json"}},
    "api.open311_token": {"roles": "public", "params": {"token": "none"}},
    "api.open311_token_xml": {"roles": "public", "params": {"token": "none"}},
}
