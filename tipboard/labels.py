"""People-facing names for the status codes stored in the database (the `code_label` filter)."""
from flask_babel import lazy_gettext as _l

LABELS = {
    # rewards
    "proposed": _l("proposed"), "approved": _l("approved"), "paid": _l("paid"), "rejected": _l("rejected"),
    "expired": _l("expired"), "cancelled": _l("cancelled"),
    # rosters
    "draft": _l("draft"), "published": _l("published"), "superseded": _l("superseded"),
    # sign-ups and teams
    "confirmed": _l("confirmed"), "waitlisted": _l("on the waiting list"), "dropped": _l("dropped out"),
    "no_show": _l("did not come"), "member": _l("member"), "deputy": _l("deputy leader"), "leader": _l("leader"),
    # queue items, applications, swaps
    "open": _l("open"), "waiting": _l("waiting"), "closed": _l("closed"), "pending": _l("pending"),
    "accepted": _l("accepted"), "declined": _l("declined"), "pending_approval": _l("waiting for approval"),
    "done": _l("done"),
    # approvals
    "approve": _l("approved"), "reject": _l("rejected"),
    # payout methods
    "cash": _l("cash"), "bank": _l("bank transfer"), "wallet": _l("wallet transfer"),
}


def code_label(code) -> str:
    return str(LABELS.get(str(code), code))
