"""Routes of the api blueprint. The Open311 POST admits whoever holds a client key (checked in the
view, not by role): ``prepare`` gives the matrix tests a key, and ``key_only`` tells the CSRF test
that the route takes no cookie credential (it refuses a request without a key with 403)."""

from tipboard.api.clients import issue_client
from tipboard.api.tokens import issue_token

ADMIN_ONLY = ("admin",)
STAFF = ("staff", "supervisor", "admin")
VOLUNTEERS = ("volunteer", "leader")


def _with_client_key(user) -> dict:
    _client, key = issue_client("matrix client")
    return {"data": {"api_key": key}, "headers": {"X-Api-Key": key}}


def _with_token(user) -> dict:
    """The /api/v1 routes for staff and volunteers take a personal token, made here for the
    matrix's user in their (one) role; an anonymous visitor has none."""
    if user is None:
        return {}
    _token, raw = issue_token(user, "matrix", sorted(user.role_names)[0])
    return {"headers": {"Authorization": f"Bearer {raw}"}}


def _token_route(roles, method="GET", **params) -> dict:
    spec = {"roles": roles, "method": method, "prepare": _with_token, "key_only": True}
    if params:
        spec["params"] = params
    return spec


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
    "api.hazards": {"roles": "public"},
    "api.hazard": {"roles": "public", "params": {"hazard_id": 999999}},
    "api.hazards_geojson": {"roles": "public"},
    "api.categories": {"roles": "public"},
    "api.submit_tip": {"roles": "public", "method": "POST", "prepare": _with_client_key, "key_only": True},
    "api.track": {"roles": "public", "method": "POST"},
    "api.openapi": {"roles": "public"},
    "api.docs": {"roles": "public"},
    "api.queue": _token_route(STAFF),
    "api.tip": _token_route(STAFF, tip_id=999999),
    "api.verify": _token_route(STAFF, "POST", tip_id=999999),
    "api.assign": _token_route(STAFF, "POST", tip_id=999999),
    "api.resolve": _token_route(STAFF, "POST", tip_id=999999),
    "api.shifts": _token_route(VOLUNTEERS),
    "api.signup": _token_route(VOLUNTEERS, "POST", shift_id=999999),
    "api.hazards_atom": {"roles": "public"},
    "api.export_csv": {"roles": STAFF},
    "api.export_geojson": {"roles": STAFF},
    "api.tokens_page": {"roles": "login"},
    "api.revoke_token": {"roles": "login", "method": "POST", "params": {"token_id": 999999}},
}
