"""A hazard reported from a patrol is a duty record: the tip form carries a signed origin token,
bound to the volunteer it was issued to, and the tip is filed under their name and linked to the
shift in the patrol log. The form says so and offers no anonymity."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tipboard.events import tip_origin, tip_origin_described
from tipboard.extensions import db
from tipboard.patrols.models import Observation, Shift, SignUp, SignUpStatus

MAX_AGE = 12 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="patrol-tip-origin")


def origin_token(shift: Shift, user) -> str:
    return _serializer().dumps({"shift": shift.id, "user": user.id})


def _shift_on_duty(token: str, user) -> Shift | None:
    """The shift a token names, only when it is genuine, fresh, issued to ``user`` (a signed-in
    account) and ``user`` is confirmed on that shift; anyone else presenting it gets nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.id or not isinstance(data.get("shift"), int):
        return None
    on_shift = db.session.scalar(
        sa.select(SignUp.id).where(
            SignUp.shift_id == data["shift"],
            SignUp.user_id == user.id,
            SignUp.status == SignUpStatus.CONFIRMED.value,
        )
    )
    return db.session.get(Shift, data["shift"]) if on_shift else None


@tip_origin_described.connect
def describe(token: str, user=None, **_kwargs):
    """The on-duty note for the tip form, when the token names a shift ``user`` is on."""
    shift = _shift_on_duty(token, user)
    if shift is None:
        return None
    return _l(
        "You are reporting on duty, for your patrol shift %(name)s: this report is a duty record. "
        "It is sent with your name, and your team's leaders see it in the shift's log.",
        name=shift.title or shift.point.name,
    )


@tip_origin.connect
def link_tip_to_shift(tip, token: str = "", user=None, **_kwargs) -> None:
    shift = _shift_on_duty(token, user)
    if shift is None:
        return
    db.session.add(Observation(shift_id=shift.id, user_id=user.id, tip_id=tip.id, body=tip.description[:500]))
    db.session.flush()
