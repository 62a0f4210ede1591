"""Reading the moderation queue's list lines as a person sees them, in a chosen language."""

from __future__ import annotations

import html
import re

from tipboard.extensions import db

_LINE = re.compile(r'<a href="/moderation/item/(\d+)"><strong>(.*?)</strong> · (.*?)</a>', re.S)


def queue_lines(client, user, locale: str, query: str = "status=all") -> dict[int, str]:
    """``{item id: "Kind label · summary"}`` of the queue page as ``user`` (signed in on ``client``)
    reads it with ``locale`` as their language setting."""
    user.locale = locale
    db.session.commit()
    response = client.get(f"/moderation/?{query}")
    assert response.status_code == 200
    return {
        int(i): html.unescape(f"{label} · {line}") for i, label, line in _LINE.findall(response.data.decode())
    }
