"""Tip workflow on the resident's side: submit, track, talk, "me too". Services flush, never commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached, selectinload

from tipboard.caching import REFERENCE_SECONDS
from tipboard.database import is_unique_violation, utcnow
from tipboard.errors import Refusal
from tipboard.extensions import cache, db
from tipboard.geo import (
    bounding_box,
    distance_m,
    grid_id_named,
    in_station_area,
    nearest_grid_id,
)
from tipboard.tips import photos as photo_store
from tipboard.tips.models import (
    OPEN_STATUSES,
    PUBLIC_STATUSES,
    PUBLISHED,
    Category,
    CategoryTexts,
    EventKind,
    EventVisibility,
    MeToo,
    PendingUpload,
    Tip,
    TipAnswer,
    TipEvent,
    TipPhoto,
    TipStatus,
)
from tipboard.tips.questions import check_answers, questions_for
from tipboard.tips.workflow import TipAction, enqueue_tip, transition

log = logging.getLogger("tipboard.tips")

# Crockford's base32 without I, L, O, U: nothing to misread on a phone or over the phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 bits; uniqueness enforced by the table (see code_was_taken)
SECRET_LENGTH = 12  # 60 bits; only its hash is stored
UPLOAD_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class TipError(Refusal):
    """A refusal of the tip services (messages: tips.messages.TIP_ERRORS)."""


def _random_chars(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def _group(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_code(text: str) -> str:
    """Accept codes typed in any case, with or without dashes, with O/I/L for 0/1/1."""
    cleaned = text.upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return _group(cleaned)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(normalise_code(secret).encode()).hexdigest()


def photo_dir() -> Path:
    return Path(current_app.config["PHOTO_DIR"])


@dataclasses.dataclass
class NewTip:
    category_id: int
    description: str
    anonymous: bool
    seen_at: dt.datetime | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    grid_id: int | None = None
    contact_preference: str | None = None
    locale: str | None = None
    submission_key: str | None = None  # drawn by the sending phone; the same report sent twice is one tip
    #: Answers to the category's extra questions, as sent: {question code: [values]}.
    answers: dict[str, list[str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Receipt:
    tip: Tip
    code: str
    secret: str


def accept_photos(files: list[tuple[str, bytes]], token: str | None, *, read_gps: bool) -> str:
    """Validate and store uploaded photos as pending under ``token`` (a new one if None).

    Raises PhotoError naming the first bad file; photos accepted before it stay pending.
    """
    cfg = current_app.config
    token = _upload_token(token) or secrets.token_urlsafe(32)
    already = count_pending(token)
    if already + len(files) > cfg["MAX_PHOTOS"]:
        raise photo_store.PhotoError("too_many")
    for _name, data in files:
        stored = photo_store.process_photo(
            data,
            photo_dir(),
            max_bytes=cfg["MAX_PHOTO_BYTES"],
            max_pixels=cfg["MAX_IMAGE_PIXELS"],
            max_decode_pixels=cfg["MAX_DECODE_PIXELS"],
            max_side=cfg["PHOTO_MAX_SIDE"],
            thumb_side=cfg["THUMB_MAX_SIDE"],
            read_gps=read_gps,
        )
        gps = stored.gps if read_gps else None
        db.session.add(
            PendingUpload(
                token=token,
                file_name=stored.file_name,
                thumb_name=stored.thumb_name,
                width=stored.width,
                height=stored.height,
                size_bytes=stored.size_bytes,
                gps_lat=gps[0] if gps else None,
                gps_lon=gps[1] if gps else None,
            )
        )
        db.session.flush()
    return token


def _upload_token(token: str | None) -> str | None:
    """The form's upload token if it has the shape this app gives them, else None (a new one)."""
    return token if token and UPLOAD_TOKEN_RE.fullmatch(token) else None


def pending_uploads(token: str | None) -> list[PendingUpload]:
    if not _upload_token(token):
        return []
    return list(
        db.session.scalars(
            sa.select(PendingUpload).where(PendingUpload.token == token).order_by(PendingUpload.id)
        )
    )


def count_pending(token: str | None) -> int:
    return len(pending_uploads(token))


def gps_from_pending(token: str | None) -> tuple[float, float] | None:
    for upload in pending_uploads(token):
        if upload.gps_lat is not None and upload.gps_lon is not None:
            return upload.gps_lat, upload.gps_lon
    return None


@dataclasses.dataclass
class Location:
    """Where a tip from the form is, or why that place cannot be used (``problem``: a TipError code,
    "outside_area" or "no_location")."""

    lat: float | None
    lon: float | None
    address: str | None
    grid_id: int | None = None
    problem: str | None = None


def locate(
    lat: float | None,
    lon: float | None,
    address: str | None,
    *,
    upload_token: str | None = None,
    use_photo_location: bool = False,
) -> Location:
    """The place of a new tip: the point typed or picked on the map, else (only with the reporter's
    consent) the position stored in the first pending photo that has one; the grid whose code or
    name the address is, if any (a point alone gets its grid from :func:`submit_tip`)."""
    if lat is None or lon is None:
        lat = lon = None
        if use_photo_location:
            lat, lon = gps_from_pending(upload_token) or (None, None)
    address = (address or "").strip() or None
    if lat is not None and not in_station_area(lat, lon):
        return Location(lat, lon, address, problem="outside_area")
    if lat is None and address is None:
        return Location(None, None, None, problem="no_location")
    return Location(lat, lon, address, grid_id_named(address) if address else None)


def expire_pending(older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    cutoff = utcnow() - older_than
    stale = db.session.scalars(sa.select(PendingUpload).where(PendingUpload.created_at < cutoff)).all()
    for upload in stale:
        photo_store.delete_files(photo_dir(), upload.file_name, upload.thumb_name)
        db.session.delete(upload)
    db.session.flush()
    return len(stale)


# The names process_photo gives files (secrets.token_urlsafe(18) + ".jpg" or ".t.jpg"): the orphan
# sweep never touches a file it did not make.
PHOTO_FILE_RE = re.compile(r"[A-Za-z0-9_-]{24}(\.t)?\.jpg")


def remove_orphan_photos(
    older_than: dt.timedelta = dt.timedelta(days=1), now: dt.datetime | None = None
) -> int:
    """Delete photo files no tip photo and no pending upload names, last written before
    ``older_than`` ago: left by a worker killed between writing a file and committing its row.
    A younger file may still be waiting for the commit that names it, so it is left alone."""
    directory = photo_dir()
    if not directory.is_dir():
        return 0
    cutoff = ((now or utcnow()) - older_than).timestamp()
    named: set[str] = set()
    for model in (TipPhoto, PendingUpload):
        for file_name, thumb_name in db.session.execute(sa.select(model.file_name, model.thumb_name)):
            named.update((file_name, thumb_name))
    removed = 0
    for entry in directory.iterdir():
        if not PHOTO_FILE_RE.fullmatch(entry.name) or entry.name in named or not entry.is_file():
            continue
        if entry.stat().st_mtime < cutoff:
            entry.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("tips.orphan_photos removed=%s", removed)
    return removed


@dataclasses.dataclass(frozen=True)
class CategoryChoice(CategoryTexts):
    """What a form or a filter shows of an active category, in the reader's language."""

    id: int
    name_en: str
    name_zh: str
    hint_en: str
    hint_zh: str


@cache.memoize(timeout=REFERENCE_SECONDS)
def _active_category_rows() -> list[dict]:
    """Every column of the active categories, in their display order (memoised; the admin services
    clear it with :func:`forget_categories`)."""
    columns = [attr.class_attribute for attr in sa.inspect(Category).column_attrs]
    rows = db.session.execute(
        sa.select(*columns).where(Category.active.is_(True)).order_by(Category.sort_order, Category.id)
    )
    return [dict(row._mapping) for row in rows]  # keyed by attribute, as Category() takes them


def forget_categories() -> None:
    """Drop the memoised active categories: called by every service that changes a category."""
    cache.delete_memoized(_active_category_rows)


def active_categories() -> list[CategoryChoice]:
    """Active categories in their display order (memoised)."""
    return [
        CategoryChoice(row["id"], row["name_en"], row["name_zh"], row["hint_en"] or "", row["hint_zh"] or "")
        for row in _active_category_rows()
    ]


def category_for_new_tip(category_id: int | None) -> Category | None:
    """The active category a new tip is filed under, or None if there is no active one with this id.

    Taken from the memoised active categories (the list the form offered) rather than queried; the
    foreign key still makes sure the category exists.

    The copy is merged into the session without SQL (``load=False``), so the tip's queue line,
    priority and due time read it as they read a loaded category."""
    values = next((row for row in _active_category_rows() if row["id"] == category_id), None)
    if values is None:
        return None
    category = Category(**values)
    make_transient_to_detached(category)
    return db.session.merge(category, load=False)


def submit_tip(data: NewTip, reporter=None, upload_token: str | None = None) -> Receipt:
    """Store a tip. An anonymous tip gets no reporter, whoever is signed in."""
    category = category_for_new_tip(data.category_id)
    if category is None:
        raise TipError("bad_category")
    if not data.description.strip():
        raise TipError("empty_description")
    answers, wrong = check_answers(questions_for(category.id), data.answers)
    if wrong:
        raise TipError("bad_answers", wrong=wrong)
    grid_id = data.grid_id
    if grid_id is None and data.lat is not None and data.lon is not None:
        grid_id = nearest_grid_id(data.lat, data.lon)
    secret = _random_chars(SECRET_LENGTH)
    tip = Tip(
        tracking_code=new_tracking_code(),
        secret_hash=hash_secret(secret),
        category=category,
        description=data.description.strip(),
        seen_at=data.seen_at,
        lat=data.lat,
        lon=data.lon,
        address=(data.address or "").strip() or None,
        grid_id=grid_id,
        anonymous=data.anonymous,
        reporter_id=None if data.anonymous or reporter is None else reporter.id,
        contact_preference=None if data.anonymous else data.contact_preference,
        locale=data.locale,
        status=TipStatus.NEW.value,
        submission_key_hash=hash_submission_key(data.submission_key),
    )
    if not data.anonymous and reporter is None:
        raise TipError("named_needs_account")
    db.session.add(tip)
    for question_id, value in answers.items():
        tip.answers.append(TipAnswer(question_id=question_id, value=value))
    tip.events.append(
        TipEvent(
            kind=EventKind.SUBMITTED.value,
            status=TipStatus.NEW.value,
            visibility=EventVisibility.REPORTER.value,
        )
    )
    uploads = pending_uploads(upload_token)
    for upload in uploads:
        tip.photos.append(
            TipPhoto(
                file_name=upload.file_name,
                thumb_name=upload.thumb_name,
                width=upload.width,
                height=upload.height,
                size_bytes=upload.size_bytes,
            )
        )
        db.session.delete(upload)
    db.session.flush()
    enqueue_tip(tip, new_subject=True)
    # Logged by number only: no code, no secret, nothing about who sent it.
    log.info("tips.submitted id=%s category=%s photos=%s", tip.id, category.slug, len(uploads))
    return Receipt(tip=tip, code=tip.tracking_code, secret=_group(secret))


def new_tracking_code() -> str:
    """A fresh random tracking code. Not looked up first: the table's unique constraint is the
    check (a lookup cost every submission a round trip and still raced a concurrent one), and
    :func:`code_was_taken` tells the caller to submit again."""
    return _group(_random_chars(CODE_LENGTH))


def hash_submission_key(key: str | None) -> str | None:
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def replay_submission(key: str | None) -> Receipt | None:
    """The receipt for a report already stored under this submission key, or None. Only the phone
    that drew the key holds it, and the secret is stored hashed: a new secret is drawn and shown
    (the first answer, with the first secret, never reached that phone)."""
    key_hash = hash_submission_key(key)
    if key_hash is None:
        return None
    tip = db.session.scalar(sa.select(Tip).where(Tip.submission_key_hash == key_hash))
    if tip is None:
        return None
    secret = _random_chars(SECRET_LENGTH)
    tip.secret_hash = hash_secret(secret)
    db.session.flush()
    log.info("tips.submission_replayed id=%s", tip.id)
    return Receipt(tip=tip, code=tip.tracking_code, secret=_group(secret))


def key_was_taken(exc: IntegrityError) -> bool:
    """True when a new tip's flush failed because a concurrent request stored the same report."""
    return is_unique_violation(exc, Tip.__tablename__, "submission_key_hash")


def code_was_taken(exc: IntegrityError) -> bool:
    """True when a new tip's flush failed only because its tracking code was already another
    tip's (with 40-bit codes, about one submission in 10^12 per stored tip): the caller rolls
    the transaction back and calls :func:`submit_tip` again, which draws a new code."""
    return is_unique_violation(exc, Tip.__tablename__, "tracking_code")


def match_code(code: str, secret: str) -> tuple[int, str] | None:
    """The id and tracking code of the tip with this code and secret, or None; compares in
    constant time. Reads three columns, not the tip: a lookup only leads to the tip's page."""
    row = db.session.execute(
        sa.select(Tip.id, Tip.tracking_code, Tip.secret_hash).where(Tip.tracking_code == normalise_code(code))
    ).first()
    expected = row.secret_hash if row is not None else "0" * 64
    if hmac.compare_digest(expected, hash_secret(secret)) and row is not None:
        return row.id, row.tracking_code
    return None


def followed_tip(tip: Tip) -> Tip:
    """The tip a duplicate was merged into (following chains), or the tip itself."""
    seen = {tip.id}
    while tip.duplicate_of is not None and tip.duplicate_of.id not in seen:
        tip = tip.duplicate_of
        seen.add(tip.id)
    return tip


def public_progress(tip: Tip) -> list[TipEvent]:
    """What anyone may read of a tip's progress: its public entries (published status changes
    and their notes), nothing of its reporter's conversation."""
    return [e for e in tip.events if e.visibility == EventVisibility.PUBLIC.value]


def add_reporter_message(tip: Tip, body: str) -> TipEvent:
    """The reporter writes to the station. An open question is answered by it."""
    body = body.strip()
    if not body:
        raise TipError("empty_message")
    answering = tip.status_enum == TipStatus.NEEDS_INFO
    event = TipEvent(
        kind=(EventKind.ANSWER if answering else EventKind.REPORTER_MESSAGE).value,
        body=body,
        visibility=EventVisibility.REPORTER.value,
    )
    tip.events.append(event)
    if answering:
        transition(tip, TipAction.ANSWER, None)
    db.session.flush()
    return event


def add_me_too(tip: Tip, comment: str | None, user=None) -> MeToo:
    if not tip.is_open:
        raise TipError("not_open")
    if user is not None and db.session.scalar(
        sa.select(MeToo.id).where(MeToo.tip_id == tip.id, MeToo.user_id == user.id)
    ):
        raise TipError("already_me_too")
    entry = MeToo(
        tip_id=tip.id, user_id=user.id if user is not None else None, comment=(comment or "").strip() or None
    )
    db.session.add(entry)
    db.session.execute(sa.update(Tip).where(Tip.id == tip.id).values(me_too_count=Tip.me_too_count + 1))
    tip.events.append(
        TipEvent(kind=EventKind.ME_TOO.value, body=entry.comment, visibility=EventVisibility.INTERNAL.value)
    )
    db.session.flush()
    return entry


# Upper edges of the distance bands the duplicate check shows; the last band ends at the radius.
NEARBY_BAND_EDGES_M = (100, 200)
# The SQL box is widened by this much around the point, so tips whose rounded position lies in
# the radius are found whatever their exact position (rounding to 3 decimals moves at most ~80 m).
ROUNDING_SLACK_M = 100


@dataclasses.dataclass
class Nearby:
    """A published tip near a point, told no more precisely than the public map tells it: its
    rounded position, the band its rounded position falls in, and the day it was reported."""

    tip: Tip
    band_low_m: int
    band_high_m: int


def _band(distance: float, radius: int) -> tuple[int, int]:
    low = 0
    for edge in (*[e for e in NEARBY_BAND_EDGES_M if e < radius], radius):
        if distance <= edge:
            return low, edge
        low = edge
    return low, radius


def nearby_open_tips(
    category_id: int, lat: float, lon: float, *, now: dt.datetime | None = None, limit: int = 5
) -> list[Nearby]:
    """Published, still open tips of the same category from NEARBY_DAYS whose public (rounded)
    position is within NEARBY_RADIUS_M of a point. Unpublished tips are never offered, and only
    the rounded position enters the answer, so no set of queries places a tip more precisely
    than the public map does."""
    cfg = current_app.config
    now = now or utcnow()
    radius = cfg["NEARBY_RADIUS_M"]
    south, west, north, east = bounding_box(lat, lon, radius + ROUNDING_SLACK_M)
    shown = [s.value for s in OPEN_STATUSES & PUBLIC_STATUSES]
    candidates = db.session.scalars(
        sa.select(Tip)
        .where(
            Tip.category_id == category_id,
            Tip.created_at >= now - dt.timedelta(days=cfg["NEARBY_DAYS"]),
            Tip.status.in_(shown),
            Tip.lat.between(south, north),
            Tip.lon.between(west, east),
        )
        .limit(200)
    ).all()
    found = []
    for tip in candidates:
        distance = distance_m(lat, lon, tip.public_lat, tip.public_lon)
        if distance <= radius:
            found.append((distance, tip))
    found.sort(key=lambda pair: (pair[0], -pair[1].id))
    return [Nearby(tip, *_band(distance, radius)) for distance, tip in found[:limit]]


PUBLIC_PAGE_SIZE = 30


def public_tips(
    *,
    category_id: int | None = None,
    before_id: int | None = None,
    limit: int = PUBLIC_PAGE_SIZE,
    located_only: bool = False,
    with_events: bool = True,
) -> list[Tip]:
    """Published tips, newest first by the date they were reported (the date the list shows),
    keyset-paginated after the tip ``before_id``; for the map only those with a place and without
    their timelines. Read from the partial indexes on published tips (ix_tip_public_*)."""
    query = sa.select(Tip).where(PUBLISHED)
    if located_only:
        query = query.where(Tip.lat.is_not(None), Tip.lon.is_not(None))
    if category_id:
        query = query.where(Tip.category_id == category_id)
    if before_id:
        created = sa.select(Tip.created_at).where(Tip.id == before_id).scalar_subquery()
        query = query.where(
            sa.or_(Tip.created_at < created, sa.and_(Tip.created_at == created, Tip.id < before_id))
        )
    # Category and grid by their own small queries, not joined: with the join, SQLite sorts every
    # public tip's joined row before the LIMIT.
    query = query.options(selectinload(Tip.category), selectinload(Tip.grid))
    if with_events:
        query = query.options(selectinload(Tip.events))
    return list(db.session.scalars(query.order_by(Tip.created_at.desc(), Tip.id.desc()).limit(limit)))


def tips_of(user, limit: int = 100) -> list[Tip]:
    return list(
        db.session.scalars(
            sa.select(Tip).where(Tip.reporter_id == user.id).order_by(Tip.id.desc()).limit(limit)
        )
    )
