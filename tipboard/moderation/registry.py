"""The registry of queue kinds: how the queue learns about tips, rewards, applications ...

The queue code knows nothing of any subject beyond what a kind registers here. A blueprint
registers its kinds at import time::

    register_kind(QueueKind(
        name="tip", label=_l("Tip"), load=load_tip, template="moderation/kinds/tip.html",
        view_roles=STAFF,
        actions=[
            QueueAction(name="verify", label=_l("Verify"), roles=STAFF, handler=verify_handler),
            QueueAction(name="reject", label=_l("Reject"), roles=STAFF, form=RejectForm,
                        handler=reject_handler, danger=True),
        ],
    ))

A kind whose items belong to teams (``QueueItem.team_id``) gives ``team_scope``: the teams a person
may see the items of.

A handler is ``handler(ctx: ActionContext) -> ActionOutcome``. It changes the subject through the
blueprint's own services (flush, no commit) and says what the queue item becomes. The queue writes
the audit entry from the outcome and commits in the view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from tipboard.permissions import Role


@dataclasses.dataclass
class ActionContext:
    item: Any  # the QueueItem
    subject: Any  # what ``QueueKind.load`` returned
    actor: Any  # the User taking the action
    data: dict  # validated form data (``form.data`` without csrf), {} if no form
    idempotency_key: str | None = None


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


#: An outcome field left at KEEP leaves the item's value as it is; None clears it.
KEEP: Any = _Keep()


@dataclasses.dataclass
class ActionOutcome:
    """What the action did. ``item_status``: "open" (back in the queue), "waiting" (on someone
    outside the station) or "closed" (decided). ``before``/``after`` go into the audit entry.
    ``priority``, ``due_at`` and ``assignee_id`` become the item's (KEEP: unchanged; None clears
    ``due_at`` and ``assignee_id``); the queue writes them, so a handler need not touch the item."""

    item_status: str = "closed"
    before: dict = dataclasses.field(default_factory=dict)
    after: dict = dataclasses.field(default_factory=dict)
    reason: str | None = None
    priority: int | None = KEEP
    due_at: Any = KEEP
    assignee_id: int | None = KEEP
    message: str | None = None  # flashed to the actor


class ActionRefused(Exception):
    """Raised by a handler when the action is not allowed now (an illegal transition, a rule).
    The message is shown to the actor; nothing is changed."""


@dataclasses.dataclass(kw_only=True)
class QueueAction:
    """One thing a person may do to an item of a kind, declared by keyword."""

    name: str
    label: Any  # lazy string
    handler: Callable[[ActionContext], ActionOutcome]
    roles: tuple[Role, ...]
    form: type | None = None  # a tipboard.forms.Form class for the action's inputs
    available: Callable[[Any, Any], bool] | None = None  # (subject, actor) -> offered now?
    bulk: bool = False  # may be applied to several items at once
    danger: bool = False


@dataclasses.dataclass(kw_only=True)
class QueueKind:
    """A kind of queue item, declared by keyword."""

    name: str
    label: Any
    load: Callable[[int], Any]  # subject id -> subject (or None)
    #: subject ids -> {id: subject} in one query (with what ``summary`` reads), for a page of the
    #: list; without it the list calls ``load`` once per item of the kind
    load_many: Callable[[list[int]], dict[int, Any]] | None = None
    template: str  # renders the subject on the item page
    actions: list[QueueAction]
    view_roles: tuple[Role, ...]
    #: subject -> one line for the queue list, called when the list is shown, so each reader gets
    #: it in their language and as the subject is now
    summary: Callable[[Any], str] = str
    #: user -> the ids of the teams whose items (``QueueItem.team_id``) the user may see, or None for
    #: every item. The one team rule: in the SQL of the queue's pages and counts, and on an item page.
    team_scope: Callable[[Any], Iterable[int] | None] | None = None

    def action(self, name: str) -> QueueAction | None:
        return next((a for a in self.actions if a.name == name), None)

    def actions_for(self, subject, user) -> list[QueueAction]:
        return [
            a
            for a in self.actions
            if user.has_role(*a.roles) and (a.available is None or a.available(subject, user))
        ]

    def teams_visible_to(self, user) -> tuple[int, ...] | None:
        """The team ids of :attr:`team_scope` for ``user``, sorted (None: the kind's items of every
        team, and of none)."""
        if self.team_scope is None:
            return None
        teams = self.team_scope(user)
        return None if teams is None else tuple(sorted(set(teams)))

    def visible_to(self, user, item) -> bool:
        if not user.has_role(*self.view_roles):
            return False
        teams = self.teams_visible_to(user)
        return teams is None or item.team_id in teams


_KINDS: dict[str, QueueKind] = {}


def register_kind(kind: QueueKind) -> QueueKind:
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> QueueKind | None:
    return _KINDS.get(name)


def all_kinds() -> list[QueueKind]:
    return list(_KINDS.values())


# --- panels on the overview page ------------------------------------------------------------------

_OVERVIEW_PANELS: list[tuple[int, Callable[[], Any]]] = []


def register_overview_panel(render: Callable[[], Any], order: int = 50) -> None:
    """``render()`` returns HTML (Markup) for the overview page, or None to show nothing: partners
    show their time to close, escalation its recent escalations."""
    if all(existing is not render for _order, existing in _OVERVIEW_PANELS):
        _OVERVIEW_PANELS.append((order, render))
        _OVERVIEW_PANELS.sort(key=lambda pair: pair[0])


def overview_panels() -> list[Any]:
    return [html for html in (render() for _order, render in _OVERVIEW_PANELS) if html is not None]
