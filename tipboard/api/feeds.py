"""Atom feeds of published hazards (the whole station, one grid, or around a point) and the staff's
exports of tips with the queue's filters (CSV through tipboard.csvexport, and GeoJSON).

Feeds show what the public list shows: published tips, rounded positions, no reporter. Exports show
what staff see on a tip's queue page, never more: no contact notes, no timeline, and an anonymous
tipster stays "anonymous".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET  # nosec B405 - builds XML only, never parses input

import sqlalchemy as sa
from flask import Response, current_app, jsonify, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tipboard.api import bp, georeport
from tipboard.api.openapi import documented
from tipboard.api.tokens import problem
from tipboard.csvexport import csv_response
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.geo import Grid, bounding_box, distance_m, in_station_area, localized
from tipboard.ids import db_id
from tipboard.links import base_host, external_url
from tipboard.moderation import listing
from tipboard.moderation.models import QueueItem
from tipboard.permissions import STAFF, public, roles_required
from tipboard.timezones import to_local
from tipboard.tips.models import PUBLISHED, Tip
from tipboard.tips.services import ROUNDING_SLACK_M
from tipboard.tips.workflow import KIND as TIP_KIND

ATOM = "http://www.w3.org/2005/Atom"
GEORSS = "http://www.georss.org/georss"
FEED_ENTRIES = 50
MAX_RADIUS_M = 5000
EXPORT_LIMIT = 5000
ET.register_namespace("", ATOM)
ET.register_namespace("georss", GEORSS)


@dataclasses.dataclass
class FeedPlace:
    grid_id: int | None = None
    around: tuple[float, float, int] | None = None  # lat, lon, radius in metres


def feed_tips(place: FeedPlace, limit: int = FEED_ENTRIES) -> list[Tip]:
    """Published tips, newest first, in a grid or within a radius of a point (by their rounded,
    public position: no query places a tip better than the public map does)."""
    query = sa.select(Tip).where(PUBLISHED).options(selectinload(Tip.events))
    if place.grid_id is not None:
        query = query.where(Tip.grid_id == place.grid_id)
    if place.around is not None:
        lat, lon, radius = place.around
        south, west, north, east = bounding_box(lat, lon, radius + ROUNDING_SLACK_M)
        query = query.where(Tip.lat.between(south, north), Tip.lon.between(west, east))
    tips = db.session.scalars(query.order_by(Tip.created_at.desc(), Tip.id.desc()).limit(limit * 4)).all()
    if place.around is not None:
        lat, lon, radius = place.around
        tips = [t for t in tips if distance_m(lat, lon, t.public_lat, t.public_lon) <= radius]
    return list(tips[:limit])


def _iso(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def atom(tips: list[Tip], title: str, self_url: str) -> bytes:
    def add(parent, name, text=None, ns=ATOM, **attrs):
        element = ET.SubElement(parent, f"{{{ns}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", str(get_locale()).replace("_", "-"))
    host = base_host(current_app.config["BASE_URL"] or "http://localhost")
    public_page = external_url("tips.public_list")
    add(feed, "id", self_url)
    add(feed, "title", title)
    add(feed, "updated", _iso(max((t.updated_at for t in tips), default=utcnow())))
    add(feed, "link", rel="self", href=self_url)
    add(feed, "link", rel="alternate", href=public_page)
    add(add(feed, "author"), "name", _station_name())
    for tip in tips:
        row = georeport.request_row(tip)
        entry = add(feed, "entry")
        add(entry, "id", f"tag:{host},2026:tip-{tip.id}")
        add(entry, "title", f"{tip.category.name} · {tip.status_enum.label}")
        add(entry, "published", _iso(tip.created_at))
        add(entry, "updated", _iso(tip.updated_at))
        add(entry, "link", rel="alternate", href=public_page)
        text = row["description"] + (f"\n\n{row['status_notes']}" if row["status_notes"] else "")
        add(entry, "content", text, type="text")
        if row["lat"] is not None:
            add(entry, "point", f"{row['lat']} {row['long']}", ns=GEORSS)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _station_name() -> str:
    cfg = current_app.config
    return localized(cfg.get("STATION_NAME_ZH") or cfg["STATION_NAME"], cfg["STATION_NAME"])


def _place_from_args() -> tuple[FeedPlace, str]:
    """The feed's place and its title's tail, or ValueError naming what is wrong."""
    if request.args.get("grid"):
        grid = db.session.get(Grid, db_id(request.args["grid"]))
        if grid is None:
            raise ValueError("grid: no such grid")
        return FeedPlace(grid_id=grid.id), grid.name
    if any(request.args.get(k) for k in ("lat", "lon", "radius")):
        lat, lon = float(request.args.get("lat", "")), float(request.args.get("lon", ""))
        radius = int(request.args.get("radius", "500"))
        if not in_station_area(lat, lon) or not 50 <= radius <= MAX_RADIUS_M:
            raise ValueError(f"lat/lon must be in the station's area and radius 50 to {MAX_RADIUS_M} m")
        return FeedPlace(around=(lat, lon, radius)), f"{radius} m"
    return FeedPlace(), ""


@bp.get("/api/v1/hazards.atom")
@public
@documented(
    "/api/v1/hazards.atom",
    "get",
    summary="An Atom feed of published hazards: the station, one grid, or around a point",
    tag="public",
    params=(
        ("grid", "query", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, False),
        ("lat", "query", {"type": "number"}, False),
        ("lon", "query", {"type": "number"}, False),
        ("radius", "query", {"type": "integer", "minimum": 50, "maximum": MAX_RADIUS_M}, False),
    ),
    responses={200: ({"type": "string"}, "application/atom+xml"), 404: "Error"},
)
def hazards_atom():
    """For feed readers and the residents' committee's noticeboard: the newest 50 published hazards."""
    try:
        place, where = _place_from_args()
    except ValueError as exc:
        return problem(400, "invalid", str(exc) if str(exc).startswith(("grid", "lat")) else "bad place")
    title = _station_name() + (f" · {where}" if where else "")
    url = external_url(
        "api.hazards_atom",
        **{k: v[:40] for k, v in request.args.items() if k in ("grid", "lat", "lon", "radius")},
    )
    return Response(atom(feed_tips(place), title, url), mimetype="application/atom+xml")


# --- staff exports ------------------------------------------------------------------------------


def export_tips(user, flt: listing.QueueFilter, limit: int = EXPORT_LIMIT) -> list[Tip]:
    """The tips of the queue items ``user`` sees under ``flt`` (their visibility included)."""
    conds = flt.conditions(utcnow())
    query = (
        sa.select(Tip)
        .join(QueueItem, sa.and_(QueueItem.kind == TIP_KIND, QueueItem.subject_id == Tip.id))
        .where(*conds)
        .options(selectinload(Tip.answers), selectinload(Tip.reporter), selectinload(Tip.assignee))
        .order_by(Tip.created_at.desc(), Tip.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _export_filter() -> listing.QueueFilter:
    visible = listing.QueueFilter.for_user(current_user)
    status = request.args.get("status", "open")  # as the queue page
    return dataclasses.replace(
        visible,
        kind=TIP_KIND,
        status=status if status in ("open", "waiting", "closed", "all") else "open",
        category_id=request.args.get("category", type=db_id),
        grid_id=request.args.get("grid", type=db_id),
        assignee_id=request.args.get("assignee", type=db_id),
        overdue=request.args.get("overdue") == "1",
    )


def export_row(tip: Tip) -> dict:
    """What the tip's queue page shows staff, minus the timeline: an anonymous tipster stays so."""
    return {
        "id": tip.id,
        "tracking_code": tip.tracking_code,
        "reported_at": to_local(tip.created_at).isoformat(timespec="minutes"),
        "category": tip.category.name,
        "status": tip.status,
        "description": tip.description,
        "address": tip.address or "",
        "grid": tip.grid.name if tip.grid is not None else "",
        "lat": tip.lat,
        "lon": tip.lon,
        "reporter": "" if tip.anonymous or tip.reporter is None else tip.reporter.name,
        "assignee": tip.assignee.name if tip.assignee is not None else "",
        "answers": "; ".join(f"{a.question.text}: {a.shown}" for a in tip.answers),
    }


EXPORT_HEADER = (
    "id",
    "tracking_code",
    "reported_at",
    "category",
    "status",
    "description",
    "address",
    "grid",
    "lat",
    "lon",
    "reporter",
    "assignee",
    "answers",
)


@bp.get("/api/exports/tips.csv")
@roles_required(*STAFF)
def export_csv():
    """The tips under the queue's filters (query string as on the queue page), for spreadsheets."""
    rows = [export_row(t) for t in export_tips(current_user, _export_filter())]
    return csv_response(EXPORT_HEADER, ([row[k] for k in EXPORT_HEADER] for row in rows), "tips.csv")


@bp.get("/api/exports/tips.geojson")
@roles_required(*STAFF)
def export_geojson():
    """The same tips with a place, as GeoJSON (exact positions: for staff only)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [t.lon, t.lat]},
            "properties": export_row(t),
        }
        for t in export_tips(current_user, _export_filter())
        if t.lat is not None and t.lon is not None
    ]
    response = jsonify(type="FeatureCollection", features=features)
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = "attachment; filename=tips.geojson"
    return response
