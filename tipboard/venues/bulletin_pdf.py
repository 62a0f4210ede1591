"""The monthly bulletin (月通报) as an A4 PDF, in the request's language (reportlab's CID font, as the
volunteer hours record in patrols/hours.py)."""

from __future__ import annotations

import io

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from tipboard.venues.models import ACTION_LABELS, CATEGORY_LABELS, VenueBulletin

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def bulletin_pdf(bulletin: VenueBulletin) -> bytes:
    locale = get_locale()
    station = current_app.config[
        "STATION_NAME_ZH" if locale is not None and locale.language == "zh" else "STATION_NAME"
    ]
    font, out = _font(), io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    title = _("Venue points: bulletin of %(month)s", month=bulletin.month)
    pdf.setTitle(title)
    width, height = A4
    left, y = 15 * mm, height - 22 * mm

    def line(text: str, size: int = 10, gap: float = 6 * mm) -> None:
        nonlocal y
        for part in simpleSplit(text, font, size, width - 2 * left):
            if y < 20 * mm:
                pdf.showPage()
                y = height - 22 * mm
            pdf.setFont(font, size)
            pdf.drawString(left, y, part)
            y -= gap

    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, y, title)
    y -= 10 * mm
    line(station, size=11, gap=9 * mm)
    for rank, row in enumerate(bulletin.rows, start=1):
        actions = "; ".join(str(ACTION_LABELS.get(a, a)) for a in row["actions"])
        category = str(CATEGORY_LABELS.get(row["category"], row["category"]))
        line(
            f"{rank}. {row['name']} · {category} · {row['score']} ({row['change']:+d}){' · ' + actions if actions else ''}"
        )
    pdf.showPage()
    pdf.save()
    return out.getvalue()
