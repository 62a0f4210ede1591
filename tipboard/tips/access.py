"""Who may act as a tip's reporter in this request.

An anonymous tipster proves it with code + secret once; the session then remembers that tip (by
id, for an hour) in the browser's own signed cookie. Nothing about the browser is stored with the
tip. A named reporter is recognised by the account. Other blueprints (a follow-up answer, a reward
claim) use the same check for their reporter-side routes.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import abort, session
from flask_login import current_user

from tipboard.extensions import db
from tipboard.tips.models import Tip

TRACK_ACCESS_SECONDS = 3600
# The session lives in a cookie, which browsers drop beyond 4 KB (and with it the CSRF token and
# the language): a browser remembers at most this many tips, the most recently opened ones.
TRACK_ACCESS_MAX_TIPS = 20


def grant_tracking(tip_id: int) -> None:
    """Let this browser act as the reporter of tip ``tip_id`` for the next hour. Takes the id, not
    the tip: after the commit that stores a new tip, reading ``tip.id`` would load it again."""
    now = int(time.time())
    tracked = {k: v for k, v in session.get("tracked", {}).items() if v > now and k != str(tip_id)}
    tracked[str(tip_id)] = now + TRACK_ACCESS_SECONDS
    newest = sorted(tracked.items(), key=lambda item: item[1])[-TRACK_ACCESS_MAX_TIPS:]
    session["tracked"] = dict(newest)


def has_tracking(tip: Tip) -> bool:
    return session.get("tracked", {}).get(str(tip.id), 0) > time.time()


def acts_as_reporter(tip: Tip) -> bool:
    return has_tracking(tip) or tip.is_reporter(current_user)


def reporter_tip(code: str) -> Tip | None:
    """The tip with this tracking code if this request may act as its reporter, else None: an
    unknown code and a known one without its secret look the same, so no answer tells which
    codes exist."""
    tip = db.session.scalar(sa.select(Tip).where(Tip.tracking_code == code))
    if tip is None or not acts_as_reporter(tip):
        return None
    return tip


def tip_for_reporter(code: str) -> Tip:
    """The tip with this tracking code if this request may act as its reporter; else 403, the
    same for an unknown code and for a known one without access."""
    tip = reporter_tip(code)
    if tip is None:
        abort(403)
    return tip
