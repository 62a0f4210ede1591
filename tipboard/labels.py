"""People-facing names for the status codes stored in the database (the `code_label` filter).

``LABELS`` holds the codes whose words are the same wherever they show; a code that means
different things in different columns (``status`` is a field of the audit trail and a kind of tip
event) gets its own table, chosen by name: ``event.kind|code_label("event_kind")``.
"""

from flask_babel import lazy_gettext as _l

LABELS = {
    # rewards
    "proposed": _l("proposed"),
    "approved": _l("approved"),
    "paid": _l("paid"),
    "rejected": _l("rejected"),
    "expired": _l("expired"),
    "cancelled": _l("cancelled"),
    # rosters
    "draft": _l("draft"),
    "published": _l("published"),
    "superseded": _l("superseded"),
    # sign-ups and teams
    "confirmed": _l("confirmed"),
    "waitlisted": _l("on the waiting list"),
    "dropped": _l("dropped out"),
    "no_show": _l("did not come"),
    "member": _l("member"),
    "deputy": _l("deputy leader"),
    "leader": _l("leader"),
    # queue items, applications, swaps
    "open": _l("open"),
    "waiting": _l("waiting"),
    "closed": _l("closed"),
    "pending": _l("pending"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "pending_approval": _l("waiting for approval"),
    "done": _l("done"),
    # approvals
    "approve": _l("approved"),
    "reject": _l("rejected"),
    # payout methods
    "cash": _l("cash"),
    "bank": _l("bank transfer"),
    "wallet": _l("wallet transfer"),
    # tip statuses, in staff words (the audit trail)
    "new": _l("new"),
    "needs_info": _l("asked the reporter"),
    "verified": _l("verified"),
    "assigned": _l("assigned"),
    "in_progress": _l("in progress"),
    "resolved": _l("resolved"),
    "reopened": _l("reopened"),
    "duplicate": _l("duplicate"),
    # fields the audit trail records before and after an action
    "status": _l("status"),
    "assignee_id": _l("officer (account number)"),
    "grid_id": _l("grid (number)"),
    "amount_fen": _l("amount"),  # its values are shown as money (_macros.audit_value)
    "reward_id": _l("reward number"),
    "taken_by": _l("taken by (account number)"),
    "read": _l("read"),
    "note": _l("note"),
    "result": _l("result"),
    "True": _l("yes"),
    "False": _l("no"),
    # shift types
    "patrol": _l("patrol"),
    "outreach": _l("outreach stand"),
    "talk": _l("safety talk"),
}

# What happened on a tip's timeline, in staff words.
EVENT_KINDS = {
    "submitted": _l("reported"),
    "status": _l("status changed"),
    "staff_message": _l("message to the reporter"),
    "reporter_message": _l("message from the reporter"),
    "question": _l("question to the reporter"),
    "answer": _l("the reporter's answer"),
    "note": _l("internal note"),
    "me_too": _l("someone else saw it too"),
}
# Who sees a timeline entry.
VISIBILITIES = {
    "public": _l("public"),
    "reporter": _l("staff and reporter"),
    "internal": _l("staff only"),
}
# How a named reporter wants to be contacted, as staff read it.
CONTACT_PREFERENCES = {
    "inbox": _l("contact through tipboard messages only"),
    "phone": _l("may be phoned"),
    "email": _l("may be emailed"),
    "none": _l("does not want to be contacted"),
}
# How a roster run's solver finished (``RosterRun.solver_status``), as a leader reads it.
SOLVER_STATUSES = {
    "optimal": _l("best plan found"),
    "time_limit": _l("stopped at the time limit (the plan may not be the best)"),
    "no_solution": _l("no plan found within the time limit"),
    "infeasible": _l("no plan keeps every rule"),
    "unbounded": _l("the planning model is faulty (unbounded)"),
    "error": _l("the solver failed"),
    "empty": _l("nothing to plan (no shifts, or nobody who can take one)"),
}
TABLES = {
    "event_kind": EVENT_KINDS,
    "visibility": VISIBILITIES,
    "contact": CONTACT_PREFERENCES,
    "solver_status": SOLVER_STATUSES,
}


def code_label(code, table: str | None = None) -> str:
    """The words for ``code`` (from ``LABELS``, or from the named table); an unknown code as it is."""
    labels = TABLES[table] if table else LABELS
    return str(labels.get(str(code), code))
