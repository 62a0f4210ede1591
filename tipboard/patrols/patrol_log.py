"""A hazard reported from a patrol: the tip form carries a signed origin token, and the tip is
linked to the shift in the patrol log when it is stored. The reporter sees that it will be."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from tipboard.extensions import db
from tipboard.patrols.models import Observation, Shift
from tipboard.tips.signals import tip_origin, tip_origin_described

MAX_AGE = 12 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="patrol-tip-origin")


def origin_token(shift: Shift, user) -> str:
    return _serializer().dumps({"shift": shift.id, "user": user.id})


@tip_origin_described.connect
def describe(token: str, **_kwargs):
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    shift = db.session.get(Shift, data.get("shift"))
    return (
        _l("This report will be linked to your patrol shift: %(name)s.", name=shift.title or shift.point.name)
        if shift
        else None
    )


@tip_origin.connect
def _link_tip_to_shift(tip, token: str = "", **_kwargs) -> None:
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:
        return
    if db.session.get(Shift, data.get("shift")) is None:
        return
    db.session.add(
        Observation(shift_id=data["shift"], user_id=data["user"], tip_id=tip.id, body=tip.description[:500])
    )
    db.session.flush()
