"""tipboard's own JSON API, /api/v1, public part: hazards, categories, tips from client systems and
tracking, and the OpenAPI document with its page (the staff and volunteer part: v1_staff.py).

Every view declares its operation for the OpenAPI document (``@documented``) and answers through
the marshmallow schema named there.
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from marshmallow import ValidationError

from tipboard.api import bp, clients, georeport, schemas
from tipboard.api.jsonio import ID, V1, dump, invalid, json_body, utc
from tipboard.api.openapi import build_spec, documented
from tipboard.api.tokens import problem
from tipboard.extensions import csrf, db, limiter
from tipboard.ids import db_id
from tipboard.permissions import public
from tipboard.ratelimit import api_client_key, browser_key, client_key, limit
from tipboard.tips import services as tip_services
from tipboard.tips.models import Category, Tip
from tipboard.tips.questions import questions_for

PAGE_SIZE = 30


# --- public -------------------------------------------------------------------------------------


def hazard_row(tip: Tip) -> dict:
    row = georeport.request_row(tip)
    return {
        "id": tip.id,
        "category": tip.category.name,
        "category_code": tip.category.slug,
        "status": tip.status,
        "status_label": tip.status_enum.label,
        "description": row["description"],
        "status_notes": row["status_notes"],
        "lat": row["lat"],
        "lon": row["long"],
        "grid": row["address"],
        "reported_at": utc(tip.created_at),
    }


def _category_id(code: str | None) -> int | None | bool:
    """The id of an active category by code; False for a code that names none."""
    if not code:
        return None
    category = georeport.service_by_code(code[:40])
    return category.id if category is not None else False


@bp.get(f"{V1}/hazards")
@public
@documented(
    f"{V1}/hazards",
    "get",
    summary="Published hazards, newest first",
    tag="public",
    params=(
        ("category", "query", {"type": "string", "maxLength": 40}, False),
        ("before", "query", ID, False),
        ("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100}, False),
    ),
    responses={200: "HazardPage"},
)
def hazards():
    """The public hazard list: rounded positions, no reporter. Page with ``before`` = the last id."""
    category_id = _category_id(request.args.get("category"))
    if category_id is False:
        return problem(400, "invalid", "category: no such category")
    try:
        before = db_id(request.args["before"]) if request.args.get("before") else None
        size = int(request.args.get("limit", PAGE_SIZE))
        if not 1 <= size <= 100:
            raise ValueError(size)
    except ValueError:
        return problem(400, "invalid", "before must be an id and limit 1 to 100")
    tips = tip_services.public_tips(category_id=category_id, before_id=before, limit=size)
    page = {
        "items": [hazard_row(t) for t in tips],
        "next_before": tips[-1].id if len(tips) == size else None,
    }
    return dump(schemas.HazardPageSchema, page)


@bp.get(f"{V1}/hazards/<int:hazard_id>")
@public
@documented(
    f"{V1}/hazards/{{hazard_id}}",
    "get",
    summary="One published hazard",
    tag="public",
    params=(("hazard_id", "path", ID, True),),
    responses={200: "Hazard", 404: "Error"},
)
def hazard(hazard_id: int):
    tip = georeport.published_tip(hazard_id)
    if tip is None:
        return problem(404, "not_found", "No published hazard has that id.")
    return dump(schemas.HazardSchema, hazard_row(tip))


@bp.get(f"{V1}/hazards.geojson")
@public
@documented(
    f"{V1}/hazards.geojson",
    "get",
    summary="Published hazards with a place, as GeoJSON",
    tag="public",
    params=(("category", "query", {"type": "string", "maxLength": 40}, False),),
    responses={200: ("FeatureCollection", "application/geo+json")},
)
def hazards_geojson():
    category_id = _category_id(request.args.get("category"))
    if category_id is False:
        return problem(400, "invalid", "category: no such category")
    tips = tip_services.public_tips(category_id=category_id, limit=500, located_only=True)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [t.public_lon, t.public_lat]},
            "properties": hazard_row(t),
        }
        for t in tips
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return dump(schemas.FeatureCollectionSchema, collection, mimetype="application/geo+json")


def category_row(category: Category) -> dict:
    return {
        "code": category.slug,
        "name": category.name,
        "description": category.hint or "",
        "is_hazard": category.is_hazard,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "required": q.required,
                "choices": [{"key": k, "name": q.choice_name(k)} for k, _en, _zh in q.choice_list],
            }
            for q in questions_for(category.id)
        ],
    }


@bp.get(f"{V1}/categories")
@public
@documented(
    f"{V1}/categories",
    "get",
    summary="Active categories and their extra questions",
    tag="public",
    responses={200: ["Category"]},
)
def categories():
    return dump(schemas.CategorySchema, [category_row(c) for c in georeport.active_services()], many=True)


@bp.post(f"{V1}/tips")
@public
@csrf.exempt
@limiter.limit(limit("RATE_OPEN311_POST"), key_func=api_client_key)
@documented(
    f"{V1}/tips",
    "post",
    summary="Send a tip (client systems, with a client key)",
    tag="public",
    body="TipSubmit",
    body_type="multipart/form-data",
    security="clientKey",
    responses={201: "TipReceipt", 404: "Error"},
)
def submit_tip():
    """Anonymous always: the tip stores no account and no address. Answers to the category's extra
    questions as ``q-<code>`` fields; photos as ``photos`` files. It goes to the moderation queue."""
    client = clients.client_for_key(request.headers.get("X-Api-Key"))
    if client is None:
        return problem(403, "forbidden", "A valid client key (X-Api-Key) is required.")
    try:
        lat, lon = _form_float("lat"), _form_float("lon")
    except ValueError:
        return problem(400, "invalid", "lat and lon must be numbers")
    answers: dict[str, list[str]] = {}
    for name in request.form:
        if name.startswith("q-"):
            answers[name[2:42]] = [v[:2000] for v in request.form.getlist(name)]
    post = georeport.Open311Post(
        service_code=(request.form.get("category") or "")[:40],
        description=request.form.get("description") or "",
        lat=lat,
        lon=lon,
        address=(request.form.get("address") or "")[:200] or None,
        attributes=answers,
        media=[(f.filename or "", f.read()) for f in request.files.getlist("photos") if f and f.filename],
    )
    if (lat is None) != (lon is None):
        return problem(400, "invalid", "lat and lon go together")
    try:
        _found, receipt = georeport.post_request(client, post)
    except georeport.Open311Error as exc:
        return problem(int(exc.code), "refused", exc.params["description"])
    response = dump(schemas.TipReceiptSchema, {"tracking_code": receipt.code, "secret": receipt.secret}, 201)
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_float(name: str) -> float | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    number = float(value)
    if number != number or abs(number) > 180:
        raise ValueError(name)
    return number


@bp.post(f"{V1}/track")
@public
@csrf.exempt
@limiter.limit(limit("RATE_TRACK_LOOKUP"), key_func=browser_key, deduct_when=lambda r: r.status_code == 404)
@limiter.limit(
    limit("RATE_TRACK_LOOKUP_ADDRESS"), key_func=client_key, deduct_when=lambda r: r.status_code == 404
)
@documented(
    f"{V1}/track",
    "post",
    summary="Follow a tip by its tracking code and secret",
    tag="public",
    body="Track",
    responses={200: "TrackedTip", 404: "Error"},
)
def track():
    """What the reporter's tracking page shows of the progress: status and the public notes. An
    unknown code and a wrong secret get the same answer. Reads only: no cookie is needed."""
    try:
        data = json_body(schemas.TrackSchema)
    except ValidationError as exc:
        return invalid(exc)
    match = tip_services.match_code(data["code"], data["secret"])
    if match is None:
        return problem(404, "not_found", "That code and secret do not match a tip.")
    tip = db.session.get(Tip, match[0])
    progress = [
        {"at": utc(e.created_at), "status": e.status, "note": e.body}
        for e in tip.visible_events(staff=False)
        if e.kind in ("submitted", "status")
    ]
    row = {
        "tracking_code": tip.tracking_code,
        "category": tip.category.name,
        "status": tip.status,
        "status_label": tip.status_enum.label,
        "progress": progress,
    }
    response = dump(schemas.TrackedTipSchema, row)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the document -------------------------------------------------------------------------------


@bp.get(f"{V1}/openapi.json")
@public
def openapi():
    return jsonify(build_spec())


@bp.get(f"{V1}/docs")
@public
def docs():
    return render_template("api/docs.html", spec=build_spec())
