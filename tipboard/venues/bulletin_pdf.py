"""The monthly bulletin (月通报) as an A4 PDF, in the request's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from tipboard.pdfdoc import text_pdf
from tipboard.venues.models import ACTION_LABELS, CATEGORY_LABELS, VenueBulletin


def bulletin_pdf(bulletin: VenueBulletin) -> bytes:
    locale = get_locale()
    station = current_app.config[
        "STATION_NAME_ZH" if locale is not None and locale.language == "zh" else "STATION_NAME"
    ]
    lines = []
    for rank, row in enumerate(bulletin.rows, start=1):
        actions = "; ".join(str(ACTION_LABELS.get(a, a)) for a in row["actions"])
        category = str(CATEGORY_LABELS.get(row["category"], row["category"]))
        lines.append(
            f"{rank}. {row['name']} · {category} · {row['score']} ({row['change']:+d}){' · ' + actions if actions else ''}"
        )
    return text_pdf(_("Venue points: bulletin of %(month)s", month=bulletin.month), station, lines)
