"""tipboard's own JSON API, /api/v1: public hazards, categories, tips from client systems and
tracking; the queue and its decisions for staff, shifts for volunteers, by personal token.

Every view declares its operation for the OpenAPI document (``@documented``) and answers through
the marshmallow schema named there. Decisions call the queue's own ``perform`` (the same handlers,
audit and refusals as the queue page); sign-ups call the patrols service.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import g, jsonify, render_template, request
from marshmallow import ValidationError
from sqlalchemy.orm import contains_eager

from tipboard.api import bp, clients, georeport, schemas
from tipboard.api.openapi import build_spec, documented
from tipboard.api.tokens import problem, token_roles_required
from tipboard.database import utcnow
from tipboard.extensions import csrf, db, limiter
from tipboard.geo import Grid
from tipboard.ids import db_id
from tipboard.moderation import listing
from tipboard.moderation import services as queue_services
from tipboard.moderation.registry import ActionRefused
from tipboard.patrols import shifts as patrol_shifts
from tipboard.patrols.models import Shift, SignUp
from tipboard.permissions import STAFF, VOLUNTEERS, public
from tipboard.ratelimit import api_client_key, browser_key, client_key, limit
from tipboard.tips import services as tip_services
from tipboard.tips.models import Category, Tip
from tipboard.tips.questions import questions_for
from tipboard.tips.workflow import KIND as TIP_KIND

V1 = "/api/v1"
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
PAGE_SIZE = 30


def _dump(schema, value, status: int = 200, many: bool = False, mimetype: str | None = None):
    response = jsonify(schema(many=many).dump(value))
    response.status_code = status
    if mimetype:
        response.mimetype = mimetype
    return response


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def _body(schema) -> dict:
    data = request.get_json(silent=True)
    if data is None and not request.data:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError("The body must be a JSON object.")
    return schema().load(data)


def _invalid(exc: ValidationError):
    return problem(400, "invalid", str(exc.messages)[:500])


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
        "reported_at": _utc(tip.created_at),
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
    return _dump(schemas.HazardPageSchema, page)


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
    return _dump(schemas.HazardSchema, hazard_row(tip))


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
    return _dump(schemas.FeatureCollectionSchema, collection, mimetype="application/geo+json")


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
    return _dump(schemas.CategorySchema, [category_row(c) for c in georeport.active_services()], many=True)


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
    response = _dump(schemas.TipReceiptSchema, {"tracking_code": receipt.code, "secret": receipt.secret}, 201)
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
        data = _body(schemas.TrackSchema)
    except ValidationError as exc:
        return _invalid(exc)
    match = tip_services.match_code(data["code"], data["secret"])
    if match is None:
        return problem(404, "not_found", "That code and secret do not match a tip.")
    tip = db.session.get(Tip, match[0])
    progress = [
        {"at": _utc(e.created_at), "status": e.status, "note": e.body}
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
    response = _dump(schemas.TrackedTipSchema, row)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- staff --------------------------------------------------------------------------------------

QUEUE_PARAMS = (
    ("kind", "query", {"type": "string", "maxLength": 40}, False),
    ("status", "query", {"type": "string", "enum": ["open", "waiting", "closed", "all"]}, False),
    ("category", "query", ID, False),
    ("grid", "query", ID, False),
    ("assignee", "query", ID, False),
    ("overdue", "query", {"type": "string", "enum": ["0", "1"]}, False),
    ("after", "query", {"type": "string", "maxLength": 200}, False),
)


@bp.get(f"{V1}/queue")
@token_roles_required(*STAFF)
@documented(
    f"{V1}/queue",
    "get",
    summary="The moderation queue, filtered as on its page",
    tag="staff",
    params=QUEUE_PARAMS,
    security="personalToken",
    responses={200: "QueuePage"},
)
def queue():
    visible = listing.QueueFilter.for_user(g.api_user)
    status = request.args.get("status", "open")
    if status not in ("open", "waiting", "closed", "all"):
        return problem(400, "invalid", "status must be open, waiting, closed or all")
    flt = listing.QueueFilter(
        kinds=visible.kinds,
        scopes=visible.scopes,
        kind=request.args.get("kind") if request.args.get("kind") in visible.kinds else None,
        status=status,
        category_id=request.args.get("category", type=db_id),
        grid_id=request.args.get("grid", type=db_id),
        assignee_id=request.args.get("assignee", type=db_id),
        overdue=request.args.get("overdue") == "1",
    )
    items, next_cursor = listing.page(flt, request.args.get("after"))
    lines = queue_services.lines(items)
    rows = [
        {
            "item_id": item.id,
            "kind": item.kind,
            "status": item.status,
            "priority": item.priority,
            "due_at": _utc(item.due_at),
            "summary": lines.get(item.id, ""),
            "tip_id": item.subject_id if item.kind == TIP_KIND else None,
        }
        for item in items
    ]
    return _dump(schemas.QueuePageSchema, {"items": rows, "next_cursor": next_cursor})


def tip_detail(tip: Tip) -> dict:
    return {
        "id": tip.id,
        "tracking_code": tip.tracking_code,
        "category": tip.category.name,
        "category_code": tip.category.slug,
        "status": tip.status,
        "description": tip.description,
        "address": tip.address,
        "lat": tip.lat,
        "lon": tip.lon,
        "grid": tip.grid.name if tip.grid is not None else None,
        "anonymous": tip.anonymous,
        "reporter": None if tip.anonymous or tip.reporter is None else tip.reporter.name,
        "assignee_id": tip.assignee_id,
        "photos": len(tip.photos),
        "reported_at": _utc(tip.created_at),
        "answers": [
            {"code": a.question.code, "question": a.question.text, "answer": a.shown} for a in tip.answers
        ],
        "events": [
            {
                "at": _utc(e.created_at),
                "kind": e.kind,
                "visibility": e.visibility,
                "status": e.status,
                "body": e.body,
            }
            for e in tip.events
        ],
    }


TIP_PARAM = (("tip_id", "path", ID, True),)


@bp.get(f"{V1}/tips/<int:tip_id>")
@token_roles_required(*STAFF)
@documented(
    f"{V1}/tips/{{tip_id}}",
    "get",
    summary="A tip as staff see it in the queue",
    tag="staff",
    params=TIP_PARAM,
    security="personalToken",
    responses={200: "TipDetail", 404: "Error"},
)
def tip(tip_id: int):
    found = db.session.get(Tip, tip_id)
    if found is None:
        return problem(404, "not_found", "No tip has that id.")
    return _dump(schemas.TipDetailSchema, tip_detail(found))


def _decide(tip_id: int, action: str, data: dict):
    found = db.session.get(Tip, tip_id)
    item = queue_services.item_for(TIP_KIND, tip_id) if found is not None else None
    if item is None:
        return problem(404, "not_found", "No tip has that id.")
    try:
        queue_services.perform(
            item, action, g.api_user, data, idempotency_key=request.headers.get("Idempotency-Key")
        )
    except queue_services.QueueError as exc:
        return problem(403 if exc.code == "forbidden" else 400, exc.code, exc.code.replace("_", " "))
    except ActionRefused as exc:
        return problem(400, "refused", str(exc))
    return _dump(schemas.TipDetailSchema, tip_detail(found))


def _decision(action: str, summary: str, body: str):
    return documented(
        f"{V1}/tips/{{tip_id}}/{action}",
        "post",
        summary=summary,
        tag="staff",
        params=TIP_PARAM,
        body=body,
        security="personalToken",
        responses={200: "TipDetail", 404: "Error"},
    )


@bp.post(f"{V1}/tips/<int:tip_id>/verify")
@token_roles_required(*STAFF)
@csrf.exempt
@limiter.limit(limit("RATE_API_WRITE"), key_func=api_client_key)
@_decision("verify", "Verify and publish a tip, with an optional public note", "Note")
def verify(tip_id: int):
    try:
        data = _body(schemas.NoteSchema)
    except ValidationError as exc:
        return _invalid(exc)
    return _decide(tip_id, "verify", {"template": "", "note": data.get("note", "")})


@bp.post(f"{V1}/tips/<int:tip_id>/assign")
@token_roles_required(*STAFF)
@csrf.exempt
@limiter.limit(limit("RATE_API_WRITE"), key_func=api_client_key)
@_decision("assign", "Assign a verified tip to an officer and/or a grid", "Assign")
def assign(tip_id: int):
    try:
        data = _body(schemas.AssignSchema)
    except ValidationError as exc:
        return _invalid(exc)
    assignee, grid = data.get("assignee_id"), data.get("grid_id")
    try:
        assignee = db_id(assignee) if assignee is not None else None
        grid = db_id(grid) if grid is not None else None
    except ValueError:
        return problem(400, "invalid", "No such officer or grid.")
    if grid is not None and db.session.get(Grid, grid) is None:
        return problem(400, "invalid", "No such grid.")
    return _decide(tip_id, "assign", {"assignee": str(assignee or ""), "grid": str(grid or "")})


@bp.post(f"{V1}/tips/<int:tip_id>/resolve")
@token_roles_required(*STAFF)
@csrf.exempt
@limiter.limit(limit("RATE_API_WRITE"), key_func=api_client_key)
@_decision("resolve", "Resolve a tip with a public note saying how", "Note")
def resolve(tip_id: int):
    try:
        data = _body(schemas.NoteSchema)
    except ValidationError as exc:
        return _invalid(exc)
    return _decide(tip_id, "resolve", {"template": "", "note": data.get("note", "")})


# --- volunteers ---------------------------------------------------------------------------------


@bp.get(f"{V1}/shifts")
@token_roles_required(*VOLUNTEERS)
@documented(
    f"{V1}/shifts",
    "get",
    summary="Upcoming shifts in my teams' areas, and mine",
    tag="volunteers",
    security="personalToken",
    responses={200: ["Shift"]},
)
def shifts():
    user = g.api_user
    team_ids = [t.id for t in patrol_shifts.teams_of(user)]
    rows = (
        db.session.scalars(
            sa.select(Shift)
            .join(Shift.point)
            .options(contains_eager(Shift.point))
            .where(
                Shift.starts_at > utcnow(),
                Shift.starts_at < utcnow() + dt.timedelta(days=14),
                patrol_shifts.points_patrolled_by(team_ids),
            )
            .order_by(Shift.starts_at)
            .limit(200)
        ).all()
        if team_ids
        else []
    )
    mine = {
        s.shift_id: s.status
        for s in db.session.scalars(
            sa.select(SignUp).where(SignUp.user_id == user.id, SignUp.shift_id.in_([r.id for r in rows]))
        )
    }
    return _dump(
        schemas.ShiftSchema,
        [
            {
                "id": s.id,
                "title": s.title or s.point.name,
                "point": s.point.name,
                "starts_at": _utc(s.starts_at),
                "ends_at": _utc(s.ends_at),
                "places_left": s.places_left,
                "mine": mine.get(s.id),
            }
            for s in rows
        ],
        many=True,
    )


@bp.post(f"{V1}/shifts/<int:shift_id>/signup")
@token_roles_required(*VOLUNTEERS)
@csrf.exempt
@limiter.limit(limit("RATE_API_WRITE"), key_func=api_client_key)
@documented(
    f"{V1}/shifts/{{shift_id}}/signup",
    "post",
    summary="Sign up for a shift (or its waiting list)",
    tag="volunteers",
    params=(("shift_id", "path", ID, True),),
    security="personalToken",
    responses={201: "SignUp", 404: "Error"},
)
def signup(shift_id: int):
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        return problem(404, "not_found", "No shift has that id.")
    try:
        result = patrol_shifts.sign_up(shift, g.api_user)
    except patrol_shifts.PatrolError as exc:
        return problem(400, exc.code, exc.code.replace("_", " "))
    return _dump(schemas.SignUpSchema, {"shift_id": shift.id, "status": result.status}, 201)


# --- the document -------------------------------------------------------------------------------


@bp.get(f"{V1}/openapi.json")
@public
def openapi():
    return jsonify(build_spec())


@bp.get(f"{V1}/docs")
@public
def docs():
    return render_template("api/docs.html", spec=build_spec())
