"""The tip kind's "record as a venue finding" action: a verified tip about a venue becomes a finding."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tipboard.extensions import db
from tipboard.moderation.registry import ActionOutcome, ActionRefused, QueueAction, get_kind
from tipboard.permissions import STAFF
from tipboard.tips import queue as tip_queue  # noqa: F401  (the tip kind is registered first)
from tipboard.tips.models import PUBLIC_STATUSES
from tipboard.tips.workflow import KIND as TIP_KIND
from tipboard.venues import services
from tipboard.venues.forms import TipFindingForm
from tipboard.venues.models import PointRule, Venue

REFUSALS = {
    "tip_not_verified": _l("Verify the report before recording it as a finding."),
    "tip_used": _l("This report is already a finding."),
    "rule_inactive": _l("That rule is no longer in use."),
}


def record_finding(ctx) -> ActionOutcome:
    venue = db.session.get(Venue, ctx.data["venue"]) if ctx.data.get("venue") else None
    rule = db.session.get(PointRule, ctx.data["rule"]) if ctx.data.get("rule") else None
    if venue is None or rule is None:
        raise ActionRefused(str(_l("Choose a venue and a rule.")))
    try:
        finding = services.finding_from_tip(ctx.subject, venue, rule, ctx.actor, ctx.data.get("note"))
    except services.VenueError as exc:
        raise ActionRefused(str(REFUSALS.get(exc.code, _l("That action is not possible now.")))) from exc
    return ActionOutcome(
        item_status=ctx.item.status,
        after={"finding_id": finding.id, "venue_id": venue.id, "points": finding.points},
        reason=finding.note,
    )


_tip_kind = get_kind(TIP_KIND)
if _tip_kind.action("venue_finding") is None:
    _tip_kind.actions.append(
        QueueAction(
            name="venue_finding",
            label=_l("Record as a venue finding"),
            handler=record_finding,
            roles=STAFF,
            form=TipFindingForm,
            available=lambda tip, _user: tip.status_enum in PUBLIC_STATUSES,
        )
    )
