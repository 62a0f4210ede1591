"""A4 PDFs in Chinese and English (reportlab's built-in CID font: no font file to ship): the
volunteer hours record, the mediation agreement, the venue bulletin and the care ledger."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"


def cjk_font() -> str:
    """The font's name, registered with reportlab on first use."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def text_pdf(title: str, subtitle: str, lines: list[str]) -> bytes:
    """A titled document of wrapped lines, onto as many pages as they need."""
    font, out = cjk_font(), io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    left, y = 15 * mm, height - 22 * mm

    def line(text: str, size: int = 10, gap: float = 6 * mm) -> None:
        nonlocal y
        for part in simpleSplit(text, font, size, width - 2 * left) or [""]:
            if y < 20 * mm:
                pdf.showPage()
                y = height - 22 * mm
            pdf.setFont(font, size)
            pdf.drawString(left, y, part)
            y -= gap

    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, y, title)
    y -= 10 * mm
    line(subtitle, size=11, gap=9 * mm)
    for text in lines:
        line(text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
