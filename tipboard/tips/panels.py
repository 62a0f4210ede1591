"""Panels other blueprints add to a reporter's view of their tip (tracking page, "My tips").

``register_tracking_panel(render)``: ``render(tip) -> str | Markup | None`` is called while the
tracking page is drawn (the reporter already proved access); it returns HTML (usually from
``render_template``) or None when it has nothing to show. Rewards shows the reward and claim code,
the moderation queue shows the follow-up question, and so on, without the tip pages knowing them.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

_PANELS: list[tuple[int, Callable]] = []


def register_tracking_panel(render: Callable, order: int = 50) -> None:
    if all(existing is not render for _o, existing in _PANELS):
        _PANELS.append((order, render))
        _PANELS.sort(key=lambda p: p[0])


def tracking_panels(tip) -> list[Markup]:
    rendered = (render(tip) for _order, render in _PANELS)
    # Renderers return render_template() output (autoescaped) from our own blueprints, never raw
    # user input; marking it safe only stops a second escape.
    return [Markup(html) for html in rendered if html]  # nosec B704
