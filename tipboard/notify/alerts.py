"""Alerts: residents watch an area and categories and hear of new public hazards there; leaders
send a message to everyone on a shift or a team (their own teams; staff any team)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from tipboard.auth.models import User
from tipboard.events import tip_verified
from tipboard.extensions import db
from tipboard.geo import bounding_box, distance_m, in_station_area
from tipboard.links import external_url
from tipboard.notify.models import AlertWatch
from tipboard.outbox import notify, register_message
from tipboard.patrols.models import LEAD_ROLES, PatrolPoint, Shift, SignUp, SignUpStatus, Team, TeamMember
from tipboard.permissions import STAFF

MAX_WATCHES = 5
MAX_RADIUS_M = 5000
BROADCAST_MAX_CHARS = 500

register_message(
    "notify.hazard_alert",
    _l("New hazard near you: %(category)s"),
    _l("A hazard was reported in an area you watch (%(category)s). See it here: %(link)s"),
)
register_message("notify.broadcast", _l("Message from %(sender)s"), _l("%(text)s"))


class AlertError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- watches -------------------------------------------------------------------------------------


def watches_of(user) -> list[AlertWatch]:
    return db.session.scalars(
        sa.select(AlertWatch).where(AlertWatch.user_id == user.id).order_by(AlertWatch.id)
    ).all()


def add_watch(
    user,
    *,
    lat: float | None = None,
    lon: float | None = None,
    radius_m: int | None = None,
    grid_id: int | None = None,
    category_ids: list[int] | None = None,
) -> AlertWatch:
    """A watch around a point (inside the station's area, at most MAX_RADIUS_M) or on a grid."""
    if len(watches_of(user)) >= MAX_WATCHES:
        raise AlertError("too_many_watches")
    point = lat is not None and lon is not None
    if not point and grid_id is None:
        raise AlertError("no_area")
    if point and not in_station_area(lat, lon):
        raise AlertError("outside_area")
    if point and not (50 <= (radius_m or 0) <= MAX_RADIUS_M):
        raise AlertError("bad_radius")
    watch = AlertWatch(
        user_id=user.id,
        lat=lat if point else None,
        lon=lon if point else None,
        radius_m=radius_m if point else None,
        grid_id=None if point else grid_id,
        category_ids=sorted(set(category_ids or [])),
    )
    db.session.add(watch)
    db.session.flush()
    return watch


def remove_watch(user, watch_id: int) -> bool:
    return bool(
        db.session.execute(
            sa.delete(AlertWatch).where(AlertWatch.id == watch_id, AlertWatch.user_id == user.id)
        ).rowcount
    )


def _matches(watch: AlertWatch, tip) -> bool:
    if watch.category_ids and tip.category_id not in watch.category_ids:
        return False
    if watch.grid_id is not None:
        return tip.grid_id == watch.grid_id
    if tip.lat is None or tip.lon is None:
        return False
    return distance_m(watch.lat, watch.lon, tip.lat, tip.lon) <= watch.radius_m


def alert_watchers(tip) -> int:
    """Tell each person watching where ``tip`` is (once, however many of their watches match)."""
    if not tip.category.is_hazard:
        return 0
    near = sa.false()
    if tip.lat is not None and tip.lon is not None:
        south, west, north, east = bounding_box(tip.lat, tip.lon, MAX_RADIUS_M)
        near = sa.and_(AlertWatch.lat.between(south, north), AlertWatch.lon.between(west, east))
    in_grid = AlertWatch.grid_id == tip.grid_id if tip.grid_id is not None else sa.false()
    watches = db.session.scalars(
        sa.select(AlertWatch)
        .join(User, User.id == AlertWatch.user_id)
        .where(User.active.is_(True), sa.or_(in_grid, near))
    ).all()
    people = {w.user_id: w.user for w in watches if _matches(w, tip) and w.user_id != tip.reporter_id}
    link = external_url("tips.public_list")
    for user in people.values():
        # The category's name in the reader's language (an admin's text, not in the catalogues).
        chinese = (user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]).startswith("zh")
        category = tip.category.name_zh if chinese else tip.category.name_en
        notify(user, "notify.hazard_alert", {"category": category, "link": link})
    if people:
        current_app.logger.info("notify.hazard_alert tip=%s people=%s", tip.id, len(people))
    return len(people)


@tip_verified.connect
def alert_on_publish(tip, actor=None, **_kwargs) -> None:
    """A verified tip is published: tell the residents watching its place."""
    alert_watchers(tip)


# --- leaders' messages ---------------------------------------------------------------------------


def teams_led_by(user) -> list[Team]:
    """The teams ``user`` may message: staff any team, a leader the teams they lead."""
    query = sa.select(Team).order_by(Team.name_en)
    if not user.has_role(*STAFF):
        query = query.join(TeamMember).where(TeamMember.user_id == user.id, TeamMember.role.in_(LEAD_ROLES))
    return db.session.scalars(query).all()


def shifts_led_by(user, now, limit: int = 100) -> list[Shift]:
    """Shifts from a day ago onwards at the points of the teams ``user`` may message."""
    team_ids = [t.id for t in teams_led_by(user)]
    return db.session.scalars(
        sa.select(Shift)
        .join(PatrolPoint)
        .where(PatrolPoint.team_id.in_(team_ids), Shift.ends_at >= now)
        .order_by(Shift.starts_at)
        .limit(limit)
    ).all()


def _recipients_of_team(team_id: int) -> list:
    return db.session.scalars(
        sa.select(User).join(TeamMember, TeamMember.user_id == User.id).where(TeamMember.team_id == team_id)
    ).all()


def _recipients_of_shift(shift_id: int) -> list:
    return db.session.scalars(
        sa.select(User)
        .join(SignUp, SignUp.user_id == User.id)
        .where(SignUp.shift_id == shift_id, SignUp.status == SignUpStatus.CONFIRMED.value)
    ).all()


def broadcast(sender, text: str, *, team_id: int | None = None, shift_id: int | None = None, now=None) -> int:
    """Message everyone on a team or a shift the sender may message; returns how many people."""
    text = (text or "").strip()
    if not text or len(text) > BROADCAST_MAX_CHARS:
        raise AlertError("bad_text")
    allowed_teams = {t.id: t for t in teams_led_by(sender)}
    if team_id is not None:
        if team_id not in allowed_teams:
            raise AlertError("not_your_team")
        recipients, label = _recipients_of_team(team_id), allowed_teams[team_id].names
    elif shift_id is not None:
        shift = db.session.get(Shift, shift_id)
        if shift is None or shift.point.team_id not in allowed_teams:
            raise AlertError("not_your_team")
        recipients, label = _recipients_of_shift(shift_id), allowed_teams[shift.point.team_id].names
    else:
        raise AlertError("no_audience")
    for user in recipients:
        if user.id != sender.id:
            notify(user, "notify.broadcast", {"sender": label, "text": text})
    return sum(1 for u in recipients if u.id != sender.id)
