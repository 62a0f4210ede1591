"""Open311 GeoReport v2: posting a tip as a service request, and what the public may read of one.

The read side shows exactly what the public hazard list shows (published tips, the position rounded
by ``geo.public_coordinate``, the grid, the public resolution note) and nothing of the reporter.
Services flush, never commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import xml.etree.ElementTree as ET  # nosec B405 - builds XML only, never parses input

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tipboard.api.models import ApiClient, Open311Request
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.timezones import to_local
from tipboard.tips import services as tip_services
from tipboard.tips.models import (
    PUBLIC_STATUSES,
    PUBLISHED,
    Category,
    CategoryQuestion,
    QuestionKind,
    Tip,
    TipStatus,
)
from tipboard.tips.photos import PhotoError
from tipboard.tips.questions import questions_for
from tipboard.tips.workflow import add_internal_note, due_for

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-02T00:00:00+08:00"
DATATYPES = {
    QuestionKind.TEXT.value: "string",
    QuestionKind.NUMBER.value: "number",
    QuestionKind.SINGLE.value: "singlevaluelist",
    QuestionKind.MULTI.value: "multivaluelist",
}
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")
PUBLIC_DESCRIPTION_CHARS = 200  # as the public list shows it
MAX_PAGE_SIZE = 200
CODE_ATTEMPTS = 3


class Open311Error(Refusal):
    """A refused request: ``code`` is the HTTP status, ``params['description']`` says why."""


# --- reading ------------------------------------------------------------------------------------


def active_services() -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.active.is_(True)).order_by(Category.sort_order, Category.id)
        )
    )


def service_by_code(code: str) -> Category | None:
    return db.session.scalar(sa.select(Category).where(Category.slug == code, Category.active.is_(True)))


def service_row(category: Category, has_questions: bool) -> dict:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.hint or None,
        "metadata": has_questions,
        "type": "batch",  # a request gets a token; its id comes once staff publish it
        "keywords": None,
        "group": "hazard" if category.is_hazard else "other",
    }


def services_list() -> list[dict]:
    categories = active_services()
    asking = set(
        db.session.scalars(
            sa.select(CategoryQuestion.category_id).where(CategoryQuestion.active.is_(True)).distinct()
        )
    )
    return [service_row(c, c.id in asking) for c in categories]


def service_definition(category: Category) -> dict:
    attributes = []
    for order, question in enumerate(questions_for(category.id), start=1):
        attributes.append(
            {
                "variable": True,
                "code": question.code,
                "datatype": DATATYPES[question.kind],
                "required": question.required,
                "datatype_description": None,
                "order": order,
                "description": question.text,
                "values": [
                    {"key": key, "name": question.choice_name(key)} for key, _en, _zh in question.choice_list
                ],
            }
        )
    return {"service_code": category.slug, "attributes": attributes}


def _iso(value: dt.datetime | None) -> str | None:
    return to_local(value).isoformat(timespec="seconds") if value is not None else None


def public_description(text: str) -> str:
    if len(text) <= PUBLIC_DESCRIPTION_CHARS:
        return text
    return text[:PUBLIC_DESCRIPTION_CHARS].rstrip() + "..."


def request_row(tip: Tip) -> dict:
    """One published tip as an Open311 service request: what the public list shows, no more."""
    return {
        "service_request_id": tip.id,
        "status": "open" if tip.is_open else "closed",
        "status_notes": tip.latest_public_note,
        "service_name": tip.category.name,
        "service_code": tip.category.slug,
        "description": public_description(tip.description),
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": _iso(tip.created_at),
        "updated_datetime": _iso(tip.updated_at),
        "expected_datetime": _iso(due_for(tip)) if tip.is_open else None,
        "address": tip.grid.name if tip.grid is not None else None,
        "address_id": None,
        "zipcode": None,
        "lat": tip.public_lat,
        "long": tip.public_lon,
        "media_url": None,
    }


@dataclasses.dataclass
class RequestQuery:
    ids: list[int] = dataclasses.field(default_factory=list)
    codes: list[str] = dataclasses.field(default_factory=list)
    start: dt.datetime | None = None  # naive UTC
    end: dt.datetime | None = None
    statuses: list[str] = dataclasses.field(default_factory=list)  # "open", "closed"
    page: int = 1
    page_size: int = 50


def find_requests(q: RequestQuery) -> list[Tip]:
    """Published tips matching the query, newest first, one page."""
    query = sa.select(Tip).where(PUBLISHED)
    if q.ids:
        query = query.where(Tip.id.in_(q.ids))
    if q.codes:
        query = query.where(Tip.category_id.in_(sa.select(Category.id).where(Category.slug.in_(q.codes))))
    if q.start is not None:
        query = query.where(Tip.created_at >= q.start)
    if q.end is not None:
        query = query.where(Tip.created_at <= q.end)
    if q.statuses and set(q.statuses) != {"open", "closed"}:
        closed = [s.value for s in PUBLIC_STATUSES if s == TipStatus.RESOLVED]
        if "closed" in q.statuses:
            query = query.where(Tip.status.in_(closed))
        else:
            query = query.where(Tip.status.not_in(closed))
    query = query.order_by(Tip.created_at.desc(), Tip.id.desc())
    query = query.offset((q.page - 1) * q.page_size).limit(q.page_size)
    return list(db.session.scalars(query.options(selectinload(Tip.events))))


def published_tip(tip_id: int) -> Tip | None:
    tip = db.session.get(Tip, tip_id)
    return tip if tip is not None and tip.is_public else None


def token_row(token: str) -> dict | None:
    """The request id behind a token once its tip is published; None for an unknown token."""
    found = db.session.scalar(sa.select(Open311Request).where(Open311Request.token == token))
    if found is None:
        return None
    tip = published_tip(found.tip_id)
    return {"service_request_id": tip.id if tip is not None else None, "token": token}


# --- posting ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Open311Post:
    service_code: str
    description: str
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    attributes: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    contact: dict[str, str] = dataclasses.field(default_factory=dict)
    media_url: str | None = None
    media: list[tuple[str, bytes]] = dataclasses.field(default_factory=list)
    locale: str | None = None


def _refuse(status: int, description: str):
    raise Open311Error(str(status), description=description)


def post_request(client: ApiClient, post: Open311Post) -> tuple[Open311Request, tip_services.Receipt]:
    """File a tip sent by an Open311 client into the moderation queue, like a form's tip. Without
    contact fields it is anonymous in every way (no account, no address); contact fields given
    are kept as an internal note, for staff only."""
    category = service_by_code(post.service_code)
    if category is None:
        _refuse(404, "service_code not found")
    description = (post.description or "").strip()
    if not description:
        _refuse(400, "description is required")
    if len(description) > current_app.config["DESCRIPTION_MAX_CHARS"]:
        _refuse(400, f"description is longer than {current_app.config['DESCRIPTION_MAX_CHARS']} characters")
    place = tip_services.locate(post.lat, post.lon, post.address)
    if place.problem == "outside_area":
        _refuse(400, "lat/long is outside the area this station covers")
    if place.problem:
        _refuse(400, "lat and long, or address_string, are required")
    upload_token = None
    if post.media:
        try:
            upload_token = tip_services.accept_photos(post.media, None, read_gps=False)
        except PhotoError as exc:
            _refuse(400, f"media: {exc.code}")
    data = tip_services.NewTip(
        category_id=category.id,
        description=description,
        anonymous=True,
        lat=place.lat,
        lon=place.lon,
        address=place.address,
        grid_id=place.grid_id,
        locale=post.locale,
        answers=post.attributes,
    )
    receipt = _submit(data, upload_token)
    tip = receipt.tip
    notes = [f"{name}: {post.contact[name]}" for name in CONTACT_FIELDS if post.contact.get(name)]
    if post.media_url:
        notes.append(f"media_url: {post.media_url}")
    if notes:
        add_internal_note(tip, None, f"Open311 ({client.name}):\n" + "\n".join(notes))
    request = Open311Request(token=secrets.token_urlsafe(16), tip_id=tip.id, client_id=client.id)
    db.session.add(request)
    db.session.flush()
    return request, receipt


def _submit(data: tip_services.NewTip, upload_token: str | None) -> tip_services.Receipt:
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with db.session.begin_nested():
                return tip_services.submit_tip(data, reporter=None, upload_token=upload_token)
        except IntegrityError as exc:
            if not tip_services.code_was_taken(exc):
                raise
        except tip_services.TipError as exc:
            if exc.code == "bad_answers":
                wrong = ", ".join(
                    f"attribute[{code}] {why}" for code, why in sorted(exc.params["wrong"].items())
                )
                _refuse(400, wrong)
            _refuse(400, exc.code)
    _refuse(400, "try again")
    raise AssertionError("unreachable")


# --- formats ------------------------------------------------------------------------------------

#: The element name of one entry of a list field.
ITEM_NAMES = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, row: dict) -> None:
    for name, value in row.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list):
            for entry in value:
                item = ET.SubElement(child, ITEM_NAMES.get(name, "item"))
                if isinstance(entry, dict):
                    _fill(item, entry)
                else:
                    item.text = _text(entry)
        elif isinstance(value, dict):
            _fill(child, value)
        else:
            child.text = _text(value)


def to_xml(root: str, item: str | None, rows) -> bytes:
    """``rows`` (a list of dicts, or one dict when ``item`` is None) as GeoReport XML."""
    element = ET.Element(root)
    if item is None:
        _fill(element, rows)
    else:
        for row in rows:
            _fill(ET.SubElement(element, item), row)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)
