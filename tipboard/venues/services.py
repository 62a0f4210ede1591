"""The venue register, the rules, inspections and findings, and the manager's proof of rectification.
Flush only; the views commit. The tally, actions and bulletin are in venues.periodic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from tipboard.auth.services import find_by_login, grant_role
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.permissions import Role
from tipboard.timezones import from_local, local_now, to_local
from tipboard.tips import photos as photo_store
from tipboard.tips.models import PUBLIC_STATUSES, Tip
from tipboard.venues.models import (
    CATEGORY_LABELS,
    Finding,
    FindingPhoto,
    FindingStatus,
    Inspection,
    PointRule,
    Venue,
    checklist_for,
)


class VenueError(Refusal):
    """A refusal of the venue services (messages: venues.views.ERRORS)."""


def year_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day``'s year, station time, as naive UTC: scores start again there."""
    return from_local(dt.datetime(day.year, 1, 1))


def scores(day: dt.date | None = None, venue_ids: list[int] | None = None) -> dict[int, int]:
    """{venue id: score} at the end of ``day`` (today): the base score plus the year's points."""
    day = day or local_now().date()
    start, end = year_start(day), from_local(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    points = (
        sa.select(Finding.venue_id, sa.func.coalesce(sa.func.sum(Finding.points), 0).label("points"))
        .where(Finding.created_at >= start, Finding.created_at < end)
        .group_by(Finding.venue_id)
        .subquery()
    )
    query = sa.select(Venue.id, Venue.base_score + sa.func.coalesce(points.c.points, 0)).outerjoin(
        points, points.c.venue_id == Venue.id
    )
    if venue_ids is not None:
        query = query.where(Venue.id.in_(venue_ids))
    return {venue_id: int(score) for venue_id, score in db.session.execute(query)}


def save_venue(venue: Venue | None, data: dict) -> Venue:
    """Create or update a venue; the manager is named by login and given the venue-manager role."""
    if data["category"] not in {c.value for c in CATEGORY_LABELS}:
        raise VenueError("bad_category")
    manager_id = None
    if (data.get("manager") or "").strip():
        manager = find_by_login(data["manager"])
        if manager is None or not manager.active:
            raise VenueError("no_account")
        grant_role(manager, Role.VENUE_MANAGER)
        manager_id = manager.id
    venue = venue if venue is not None else Venue()
    venue.name = data["name"].strip()
    venue.category = data["category"]
    venue.address = (data.get("address") or "").strip() or None
    venue.grid_id = data.get("grid_id")
    venue.manager_id = manager_id
    venue.base_score = data["base_score"]
    venue.active = bool(data.get("active", True))
    db.session.add(venue)
    db.session.flush()
    return venue


def save_rule(rule: PointRule | None, data: dict) -> PointRule:
    code = data["code"].strip()
    clash = db.session.scalar(sa.select(PointRule.id).where(PointRule.code == code))
    if clash is not None and (rule is None or clash != rule.id):
        raise VenueError("code_taken")
    rule = rule if rule is not None else PointRule()
    rule.code, rule.name_zh, rule.name_en = code, data["name_zh"].strip(), data["name_en"].strip()
    rule.points, rule.rectify_days, rule.active = (
        data["points"],
        data.get("rectify_days"),
        bool(data["active"]),
    )
    db.session.add(rule)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise VenueError("code_taken") from exc
    return rule


def active_rules() -> list[PointRule]:
    return list(
        db.session.scalars(sa.select(PointRule).where(PointRule.active.is_(True)).order_by(PointRule.points))
    )


def record_inspection(venue: Venue, inspector, passed: list[str], note: str | None) -> Inspection:
    """An inspection: each checklist point of the venue's category passed or not."""
    checks = {key: key in passed for key in checklist_for(venue.category)}
    inspection = Inspection(
        venue_id=venue.id, inspector_id=inspector.id, checks=checks, note=(note or "").strip() or None
    )
    db.session.add(inspection)
    db.session.flush()
    return inspection


def photo_dir() -> Path:
    return Path(current_app.config["PHOTO_DIR"]) / "venues"


def _store(data: bytes) -> photo_store.StoredPhoto:
    cfg = current_app.config
    return photo_store.process_photo(
        data,
        photo_dir(),
        max_bytes=cfg["MAX_PHOTO_BYTES"],
        max_pixels=cfg["MAX_IMAGE_PIXELS"],
        max_decode_pixels=cfg["MAX_DECODE_PIXELS"],
        max_side=cfg["PHOTO_MAX_SIDE"],
        thumb_side=cfg["THUMB_MAX_SIDE"],
        read_gps=False,
    )


def add_finding(
    venue: Venue,
    rule: PointRule,
    actor,
    note: str | None,
    *,
    photo: bytes | None = None,
    inspection: Inspection | None = None,
    tip: Tip | None = None,
    now: dt.datetime | None = None,
) -> Finding:
    """Apply ``rule`` to ``venue``: its points count at once; a deduction with rectification days gets
    a deadline. Raises PhotoError for a bad photo (nothing is stored then)."""
    if not rule.active:
        raise VenueError("rule_inactive")
    if inspection is not None and inspection.venue_id != venue.id:
        raise VenueError("wrong_venue")
    today = to_local(now).date() if now is not None else local_now().date()
    needs_work = rule.points < 0 and rule.rectify_days
    finding = Finding(
        venue_id=venue.id,
        rule=rule,
        inspection_id=inspection.id if inspection else None,
        tip_id=tip.id if tip else None,
        points=rule.points,
        note=(note or "").strip() or None,
        deadline=today + dt.timedelta(days=rule.rectify_days) if needs_work else None,
        status=FindingStatus.OPEN.value if needs_work else FindingStatus.NONE_NEEDED.value,
        created_by_id=actor.id if actor else None,
    )
    if now is not None:
        finding.created_at = now
    if photo:
        stored = _store(photo)
        finding.photos.append(FindingPhoto(file_name=stored.file_name, thumb_name=stored.thumb_name))
    db.session.add(finding)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # the tip became a finding a moment ago
        raise VenueError("tip_used") from exc
    return finding


def finding_from_tip(tip: Tip, venue: Venue, rule: PointRule, actor, note: str | None) -> Finding:
    """A verified tip about a venue becomes a finding (once)."""
    if tip.status_enum not in PUBLIC_STATUSES:
        raise VenueError("tip_not_verified")
    if db.session.scalar(sa.select(Finding.id).where(Finding.tip_id == tip.id)) is not None:
        raise VenueError("tip_used")
    return add_finding(venue, rule, actor, note or tip.description[:500], tip=tip)


def managed_by(user) -> list[Venue]:
    return list(db.session.scalars(sa.select(Venue).where(Venue.manager_id == user.id).order_by(Venue.name)))


def send_proof(finding: Finding, manager, note: str | None, photo: bytes | None) -> None:
    """The venue's manager shows the finding rectified; the station then accepts it."""
    if finding.venue.manager_id != manager.id:
        raise VenueError("not_manager")
    if finding.status not in (FindingStatus.OPEN.value, FindingStatus.PROOF.value):
        raise VenueError("not_open")
    note = (note or "").strip() or None
    if note is None and not photo:
        raise VenueError("empty_proof")
    if photo:
        stored = _store(photo)
        finding.photos.append(
            FindingPhoto(file_name=stored.file_name, thumb_name=stored.thumb_name, proof=True)
        )
    finding.proof_note = note or finding.proof_note
    finding.status = FindingStatus.PROOF.value
    db.session.flush()


def accept_proof(finding: Finding) -> None:
    if finding.status != FindingStatus.PROOF.value:
        raise VenueError("no_proof")
    finding.status = FindingStatus.RECTIFIED.value
    db.session.flush()


def findings_of(venue: Venue, limit: int = 100) -> list[Finding]:
    return list(
        db.session.scalars(
            sa.select(Finding)
            .where(Finding.venue_id == venue.id)
            .order_by(Finding.created_at.desc())
            .limit(limit)
        )
    )


def inspections_of(venue: Venue, limit: int = 20) -> list[Inspection]:
    return list(
        db.session.scalars(
            sa.select(Inspection)
            .where(Inspection.venue_id == venue.id)
            .order_by(Inspection.created_at.desc())
            .limit(limit)
        )
    )


def all_venues() -> list[Venue]:
    return list(db.session.scalars(sa.select(Venue).order_by(Venue.active.desc(), Venue.name)))
