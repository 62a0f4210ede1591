"""The navigation menu: each blueprint registers its entries, base.html shows those a user may use."""

from __future__ import annotations

import dataclasses

from flask_babel import lazy_gettext as _l


@dataclasses.dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    roles: frozenset[str] | None  # None: everyone; empty: any signed-in user
    order: int


_ITEMS: list[NavItem] = []


def register_nav(endpoint: str, label, roles=None, order: int = 50) -> None:
    if any(item.endpoint == endpoint for item in _ITEMS):
        return
    roles = None if roles is None else frozenset(str(r) for r in roles)
    _ITEMS.append(NavItem(endpoint, label, roles, order))
    _ITEMS.sort(key=lambda item: item.order)


def visible_items(user) -> list[NavItem]:
    signed_in = getattr(user, "is_authenticated", False)
    held = user.role_names if signed_in else frozenset()
    return [
        item for item in _ITEMS if item.roles is None or (signed_in and (not item.roles or item.roles & held))
    ]


register_nav("tips.new", _l("Report"), order=10)
register_nav("tips.track", _l("Track"), order=20)
register_nav("tips.public_list", _l("Hazards"), order=30)
register_nav("main.inbox", _l("Messages"), roles=(), order=90)
