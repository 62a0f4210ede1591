"""Referral (联动调处): the station hands a tip, or the part of it a note names, to the partner who
can fix it; the partner's members reply and report it done; the station confirms, which resolves the
tip, and the follow-up visit (tips.followup) asks the reporter whether it is fixed.

The referral is a queue kind (partners.queue): its item waits on the partner while the referral is
open and comes back to the station when the partner reports it done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from tipboard.database import utcnow
from tipboard.errors import Refusal
from tipboard.extensions import db
from tipboard.moderation.models import ItemStatus
from tipboard.moderation.services import enqueue, item_for, record
from tipboard.outbox import notify, register_message
from tipboard.partners.models import (
    Organisation,
    OrganisationMember,
    Referral,
    ReferralReply,
    ReferralStatus,
)
from tipboard.timezones import from_local, local_now
from tipboard.tips import photos as photo_store
from tipboard.tips.models import Tip
from tipboard.tips.workflow import TipAction, add_internal_note, allowed, enqueue_tip, transition

#: The referral's kind in the moderation queue (its actions: partners.queue).
KIND = "referral"
LIVE = (ReferralStatus.OPEN.value, ReferralStatus.DONE.value)
STATS_DAYS = 90
CONFIRM_WITHIN = dt.timedelta(hours=24)

register_message(
    "partners.referred",
    _l("A matter was referred to %(org)s"),
    _l("The station referred a matter to %(org)s, to be done by %(due)s. See it under Referrals."),
)
register_message(
    "partners.sent_back",
    _l("A referral came back to %(org)s"),
    _l("The station asks %(org)s for more work on a referred matter: %(reason)s"),
)


class ReferralError(Refusal):
    """A refusal of the referral services (messages: partners.views.REFERRAL_ERRORS)."""


def due_at(due_on: dt.date) -> dt.datetime:
    """The end of the due day, station time, as naive UTC (the queue item's due time)."""
    return from_local(dt.datetime.combine(due_on, dt.time(23, 59)))


def live_referrals(tip: Tip) -> list[Referral]:
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(Referral.tip_id == tip.id, Referral.status.in_(LIVE))
            .order_by(Referral.id)
        )
    )


def refer(
    tip: Tip, organisation: Organisation, note: str, due_on: dt.date, actor, now: dt.datetime | None = None
) -> Referral:
    """Hand ``tip`` to ``organisation``; its members are told. The tip must be verified and open."""
    now = now or utcnow()
    note = (note or "").strip()
    if not note:
        raise ReferralError("empty_note")
    if not organisation.active:
        raise ReferralError("inactive")
    if not allowed(TipAction.RESOLVE, tip.status_enum):
        raise ReferralError("tip_not_open")
    if due_on < local_now().date():
        raise ReferralError("due_in_past")
    if any(r.organisation_id == organisation.id for r in live_referrals(tip)):
        raise ReferralError("already_referred")
    referral = Referral(
        tip=tip, organisation=organisation, note=note, due_on=due_on, created_by_id=actor.id, created_at=now
    )
    db.session.add(referral)
    db.session.flush()
    enqueue(
        KIND,
        referral.id,
        subject=referral,
        status=ItemStatus.WAITING.value,
        category_id=tip.category_id,
        grid_id=tip.grid_id,
        due_at=due_at(due_on),
        actor=actor,
        reason=note,
        new_subject=True,
    )
    add_internal_note(tip, actor, f"→ {organisation.name}: {note}", now=now)
    for member in organisation.members:
        notify(member.user, "partners.referred", {"org": organisation.name, "due": due_on.isoformat()})
    return referral


def photo_dir() -> Path:
    """Partner photos live beside the tip photos, in their own folder (the tip sweep leaves it)."""
    return Path(current_app.config["PHOTO_DIR"]) / "referrals"


def _store_photo(data: bytes) -> photo_store.StoredPhoto:
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


def can_act_for(referral: Referral, user) -> bool:
    """A member of the organisation the referral went to, while the organisation is active."""
    return referral.organisation.active and referral.organisation.has_member(user)


def partner_reply(
    referral: Referral,
    author,
    body: str | None,
    *,
    photo: bytes | None = None,
    done: bool = False,
    now: dt.datetime | None = None,
) -> ReferralReply:
    """A partner member writes about an open referral; ``done`` reports the work finished, which
    puts the referral's item back before the station. A photo (optional) is re-encoded like a tip's.
    Raises PhotoError for a bad photo."""
    now = now or utcnow()
    if not can_act_for(referral, author):
        raise ReferralError("not_member")
    if referral.status != ReferralStatus.OPEN.value:
        raise ReferralError("not_open")
    body = (body or "").strip() or None
    if body is None and not photo:
        raise ReferralError("empty_reply")
    reply = ReferralReply(referral=referral, author_id=author.id, body=body, done=done, created_at=now)
    if photo:
        stored = _store_photo(photo)
        reply.photo_name, reply.thumb_name = stored.file_name, stored.thumb_name
    db.session.add(reply)
    item = item_for(KIND, referral.id)
    if done:
        referral.status = ReferralStatus.DONE.value
        referral.done_at = now
        item.status = ItemStatus.OPEN.value
        item.due_at = now + CONFIRM_WITHIN  # the station checks within a day, or it is escalated
    record(item, author, "partner_done" if done else "partner_reply", reason=body)
    return reply


def _station_reply(referral: Referral, actor, body: str | None, now: dt.datetime) -> None:
    if body:
        db.session.add(
            ReferralReply(referral=referral, author_id=actor.id, from_station=True, body=body, created_at=now)
        )


def confirm(referral: Referral, actor, public_note: str | None, now: dt.datetime | None = None) -> None:
    """The station agrees the work is done. When no other referral of the tip is still live, the
    tip is resolved with ``public_note`` (or the partner's own words), and the follow-up visit asks
    its reporter in due course, as for any resolved tip."""
    now = now or utcnow()
    if referral.status != ReferralStatus.DONE.value:
        raise ReferralError("not_done")
    referral.status = ReferralStatus.CONFIRMED.value
    referral.closed_at = now
    db.session.flush()
    tip = referral.tip
    note = (public_note or "").strip() or next(
        (r.body for r in reversed(referral.replies) if r.done and r.body), None
    )
    if not live_referrals(tip) and allowed(TipAction.RESOLVE, tip.status_enum):
        transition(tip, TipAction.RESOLVE, actor, public_note=note, now=now)


def send_back(referral: Referral, actor, reason: str, now: dt.datetime | None = None) -> None:
    """Not done yet: the referral goes back to the partner, with the station's reason."""
    now = now or utcnow()
    if referral.status != ReferralStatus.DONE.value:
        raise ReferralError("not_done")
    referral.status = ReferralStatus.OPEN.value
    referral.done_at = None
    _station_reply(referral, actor, reason.strip(), now)
    for member in referral.organisation.members:
        notify(
            member.user, "partners.sent_back", {"org": referral.organisation.name, "reason": reason.strip()}
        )
    db.session.flush()


def withdraw(referral: Referral, actor, reason: str, now: dt.datetime | None = None) -> None:
    """The station takes the matter back; with no live referral left, the tip's item is the
    station's again."""
    now = now or utcnow()
    if referral.status not in LIVE:
        raise ReferralError("not_live")
    referral.status = ReferralStatus.WITHDRAWN.value
    referral.closed_at = now
    _station_reply(referral, actor, reason.strip(), now)
    db.session.flush()
    tip = referral.tip
    if not live_referrals(tip) and tip.is_open:
        enqueue_tip(tip)


def referrals_for(user, limit: int = 200) -> list[Referral]:
    """What was referred to the active organisations ``user`` acts for: live ones first, by due date."""
    mine = (
        sa.select(OrganisationMember.organisation_id)
        .join(Organisation)
        .where(OrganisationMember.user_id == user.id, Organisation.active.is_(True))
    )
    live_first = sa.case((Referral.status.in_(LIVE), 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(Referral.organisation_id.in_(mine))
            .order_by(live_first, Referral.due_on, Referral.id.desc())
            .limit(limit)
        )
    )


@dataclasses.dataclass
class PartnerFigures:
    organisation: Organisation
    referred: int = 0
    live: int = 0
    overdue: int = 0
    confirmed: int = 0
    median_close_h: float | None = None


def close_times(now: dt.datetime | None = None, days: int = STATS_DAYS) -> list[PartnerFigures]:
    """Per partner over the last ``days`` days: referrals made, still live, overdue, confirmed, and
    the median hours from referral to the partner's report that it was done (of confirmed ones)."""
    now = now or utcnow()
    today = local_now().date()
    rows = db.session.scalars(
        sa.select(Referral).where(Referral.created_at >= now - dt.timedelta(days=days)).order_by(Referral.id)
    ).all()
    figures: dict[int, PartnerFigures] = {}
    hours: dict[int, list[float]] = {}
    for ref in rows:
        fig = figures.setdefault(ref.organisation_id, PartnerFigures(ref.organisation))
        fig.referred += 1
        fig.live += ref.status in LIVE
        fig.overdue += ref.is_overdue(today)
        if ref.status == ReferralStatus.CONFIRMED.value:
            fig.confirmed += 1
            if ref.done_at is not None:
                hours.setdefault(ref.organisation_id, []).append(
                    (ref.done_at - ref.created_at).total_seconds() / 3600
                )
    for org_id, values in hours.items():
        figures[org_id].median_close_h = round(statistics.median(values), 1)
    return sorted(figures.values(), key=lambda f: f.organisation.name)
