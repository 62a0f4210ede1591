"""tipboard's own JSON API, /api/v1, by personal token: the queue, a tip's detail and decisions for
staff; shifts and sign-ups for volunteers.

Decisions call the queue's own ``perform`` (the same handlers, audit and refusals as the queue
page); sign-ups call the patrols service.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import g, request
from marshmallow import ValidationError
from sqlalchemy.orm import contains_eager

from tipboard.api import bp, schemas
from tipboard.api.jsonio import ID, V1, dump, invalid, json_body, utc
from tipboard.api.openapi import documented
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
from tipboard.permissions import STAFF, VOLUNTEERS
from tipboard.ratelimit import api_client_key, limit
from tipboard.tips.models import Tip
from tipboard.tips.workflow import KIND as TIP_KIND

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
            "due_at": utc(item.due_at),
            "summary": lines.get(item.id, ""),
            "tip_id": item.subject_id if item.kind == TIP_KIND else None,
        }
        for item in items
    ]
    return dump(schemas.QueuePageSchema, {"items": rows, "next_cursor": next_cursor})


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
        "reported_at": utc(tip.created_at),
        "answers": [
            {"code": a.question.code, "question": a.question.text, "answer": a.shown} for a in tip.answers
        ],
        "events": [
            {
                "at": utc(e.created_at),
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
    return dump(schemas.TipDetailSchema, tip_detail(found))


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
    return dump(schemas.TipDetailSchema, tip_detail(found))


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
        data = json_body(schemas.NoteSchema)
    except ValidationError as exc:
        return invalid(exc)
    return _decide(tip_id, "verify", {"template": "", "note": data.get("note", "")})


@bp.post(f"{V1}/tips/<int:tip_id>/assign")
@token_roles_required(*STAFF)
@csrf.exempt
@limiter.limit(limit("RATE_API_WRITE"), key_func=api_client_key)
@_decision("assign", "Assign a verified tip to an officer and/or a grid", "Assign")
def assign(tip_id: int):
    try:
        data = json_body(schemas.AssignSchema)
    except ValidationError as exc:
        return invalid(exc)
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
        data = json_body(schemas.NoteSchema)
    except ValidationError as exc:
        return invalid(exc)
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
    return dump(
        schemas.ShiftSchema,
        [
            {
                "id": s.id,
                "title": s.title or s.point.name,
                "point": s.point.name,
                "starts_at": utc(s.starts_at),
                "ends_at": utc(s.ends_at),
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
    return dump(schemas.SignUpSchema, {"shift_id": shift.id, "status": result.status}, 201)
