"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): discovery, services, requests, tokens.

Every answer comes as JSON or XML (the URL's extension); errors are the standard's list of code and
description in the same format. Reading is public and shows what the public hazard list shows;
posting needs a client key issued by an admin (``api_key``) and is CSRF-exempt, since no cookie
is ever read as a credential here.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Response, current_app, jsonify, request
from flask_babel import get_locale

from tipboard.api import bp, clients, georeport
from tipboard.api.georeport import Open311Error, Open311Post, RequestQuery
from tipboard.extensions import csrf, limiter
from tipboard.ids import db_id
from tipboard.links import external_url
from tipboard.permissions import public
from tipboard.ratelimit import api_client_key, limit
from tipboard.timezones import from_local

BASE = "/open311/v2"
FMT = "<any(json,xml):fmt>"
ATTRIBUTE = re.compile(r"attribute\[([^\[\]]{1,40})\](\[\])?")


def _xml(body: bytes, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/xml", content_type="text/xml; charset=utf-8")


def _answer(fmt: str, rows, root: str, item: str | None, status: int = 200) -> Response:
    if fmt == "xml":
        return _xml(georeport.to_xml(root, item, rows), status)
    response = jsonify(rows)
    response.status_code = status
    return response


def _error(fmt: str, status: int, description: str) -> Response:
    return _answer(fmt, [{"code": status, "description": description}], "errors", "error", status)


@bp.get("/open311/discovery.json")
@public
def open311_discovery():
    url = external_url("api.open311_services", fmt="json").rsplit("/services", 1)[0]
    return jsonify(
        changeset=georeport.CHANGESET,
        contact=current_app.config["STATION_NAME"],
        key_service=external_url("main.index"),
        endpoints=[
            {
                "specification": georeport.SPECIFICATION,
                "url": url,
                "changeset": georeport.CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    )


@bp.get(f"{BASE}/services.{FMT}")
@public
def open311_services(fmt: str):
    return _answer(fmt, georeport.services_list(), "services", "service")


@bp.get(f"{BASE}/services/<code>.{FMT}")
@public
def open311_service(code: str, fmt: str):
    category = georeport.service_by_code(code[:40])
    if category is None:
        return _error(fmt, 404, "service_code not found")
    return _answer(fmt, georeport.service_definition(category), "service_definition", None)


def _float(name: str) -> float | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Open311Error("400", description=f"{name} is not a number") from None
    if number != number or abs(number) > 180:
        raise Open311Error("400", description=f"{name} is out of range")
    return number


def _attributes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in request.form:
        match = ATTRIBUTE.fullmatch(name)
        if match:
            found.setdefault(match.group(1), []).extend(v[:2000] for v in request.form.getlist(name))
    return found


def _post_from_form() -> Open311Post:
    lat, lon = _float("lat"), _float("long")
    if (lat is None) != (lon is None):
        raise Open311Error("400", description="lat and long go together")
    return Open311Post(
        service_code=(request.form.get("service_code") or "")[:40],
        description=request.form.get("description") or "",
        lat=lat,
        lon=lon,
        address=(request.form.get("address_string") or "")[:200] or None,
        attributes=_attributes(),
        contact={
            name: request.form.get(name, "")[:200].strip()
            for name in georeport.CONTACT_FIELDS
            if request.form.get(name, "").strip()
        },
        media_url=(request.form.get("media_url") or "")[:500].strip() or None,
        media=[(f.filename or "", f.read()) for f in request.files.getlist("media") if f and f.filename],
        locale=str(get_locale()),
    )


@bp.post(f"{BASE}/requests.{FMT}")
@public
@csrf.exempt
@limiter.limit(limit("RATE_OPEN311_POST"), key_func=api_client_key)
def open311_post(fmt: str):
    """Anyone holding a client key (checked here, not by role: the client is a system, not a user)."""
    client = clients.client_for_key(request.form.get("api_key") or request.headers.get("X-Api-Key"))
    if client is None:
        return _error(fmt, 403, "api_key missing, unknown or revoked")
    try:
        post = _post_from_form()
        found, receipt = georeport.post_request(client, post)
    except Open311Error as exc:
        return _error(fmt, int(exc.code), exc.params["description"])
    row = {
        "token": found.token,
        "service_notice": "Reviewed by station staff before it is published.",
        "account_id": None,
        # Extension: the reporter follows the tip on the site with these.
        "tracking_code": receipt.code,
        "tracking_secret": receipt.secret,
        "tracking_url": external_url("tips.track", code=receipt.code),
    }
    response = _answer(fmt, [row], "service_requests", "request", 201)
    response.headers["Cache-Control"] = "no-store"
    return response


def _list_arg(name: str) -> list[str]:
    return [v.strip() for v in (request.args.get(name) or "").split(",") if v.strip()][:100]


def _date_arg(name: str) -> dt.datetime | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error("400", description=f"{name} is not an ISO 8601 date") from None
    if parsed.tzinfo is None:
        return from_local(parsed)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None)


def _int_arg(name: str, default: int, high: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not 1 <= int(value) <= high:
        raise Open311Error("400", description=f"{name} must be a whole number from 1 to {high}")
    return int(value)


def _request_query() -> RequestQuery:
    ids = []
    for value in _list_arg("service_request_id"):
        try:
            ids.append(db_id(value))
        except ValueError:
            raise Open311Error("400", description="service_request_id must be whole numbers") from None
    statuses = _list_arg("status")
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error("400", description="status must be open or closed")
    return RequestQuery(
        ids=ids,
        codes=[c[:40] for c in _list_arg("service_code")],
        start=_date_arg("start_date"),
        end=_date_arg("end_date"),
        statuses=statuses,
        page=_int_arg("page", 1, 1000),
        page_size=_int_arg("page_size", 50, georeport.MAX_PAGE_SIZE),
    )


@bp.get(f"{BASE}/requests.{FMT}")
@public
def open311_requests(fmt: str):
    try:
        query = _request_query()
    except Open311Error as exc:
        return _error(fmt, int(exc.code), exc.params["description"])
    rows = [georeport.request_row(tip) for tip in georeport.find_requests(query)]
    return _answer(fmt, rows, "service_requests", "request")


@bp.get(f"{BASE}/requests/<int:request_id>.{FMT}")
@public
def open311_request(request_id: int, fmt: str):
    tip = georeport.published_tip(request_id)
    if tip is None:
        return _error(fmt, 404, "service_request_id not found")
    return _answer(fmt, [georeport.request_row(tip)], "service_requests", "request")


# One endpoint per format (not the ``any`` converter): the log redaction test builds every rule
# with a ``<token>`` from placeholder values.
@bp.get(f"{BASE}/tokens/<token>.json")
@public
def open311_token(token: str):
    return _token("json", token)


@bp.get(f"{BASE}/tokens/<token>.xml")
@public
def open311_token_xml(token: str):
    return _token("xml", token)


def _token(fmt: str, token: str):
    row = georeport.token_row(token[:32])
    if row is None:
        return _error(fmt, 404, "token not found")
    return _answer(fmt, [row], "service_requests", "request")
