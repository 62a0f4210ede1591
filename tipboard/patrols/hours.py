"""A volunteer's own hours: by month, and a printable record of service hours (志愿服务时长证明) for
the volunteer platforms and schools that ask for one. Hours per sign-up come from
:func:`tipboard.patrols.checkin.signup_hours`, the same function the leaders' hours.csv uses."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import io
import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from sqlalchemy.orm import contains_eager

from tipboard.extensions import db
from tipboard.patrols.checkin import signup_hours
from tipboard.patrols.models import LEAD_ROLES, Shift, SignUp, SignUpStatus, TeamMember
from tipboard.pdfdoc import cjk_font
from tipboard.permissions import STAFF
from tipboard.timezones import from_local, to_local


def attended(user_id: int, start: dt.date | None = None, end: dt.date | None = None) -> list[SignUp]:
    """The sign-ups the person turned up for (checked in, not a no-show), in order; ``start`` and
    ``end`` are station dates, both included."""
    query = (
        sa.select(SignUp)
        .join(SignUp.shift)
        .options(contains_eager(SignUp.shift))
        .where(
            SignUp.user_id == user_id,
            SignUp.checked_in_at.is_not(None),
            SignUp.status != SignUpStatus.NO_SHOW.value,
        )
        .order_by(Shift.starts_at)
    )
    if start is not None:
        query = query.where(Shift.starts_at >= from_local(dt.datetime.combine(start, dt.time())))
    if end is not None:
        next_day = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        query = query.where(Shift.starts_at < from_local(next_day))
    return list(db.session.scalars(query))


def by_month(user_id: int) -> list[dict]:
    """[{"month": first day (station time), "shifts", "hours"}], newest month first."""
    months: dict[dt.date, dict] = {}
    for signup in attended(user_id):
        first = to_local(signup.shift.starts_at).date().replace(day=1)
        row = months.setdefault(first, {"month": first, "shifts": 0, "hours": 0.0})
        row["shifts"] += 1
        row["hours"] = round(row["hours"] + signup_hours(signup), 2)
    return sorted(months.values(), key=lambda r: r["month"], reverse=True)


def can_see_hours(viewer, user_id: int) -> bool:
    """The volunteer themself, station staff, and the leaders and deputies of one of their teams."""
    if viewer.id == user_id or viewer.has_role(*STAFF):
        return True
    led = sa.select(TeamMember.team_id).where(
        TeamMember.user_id == viewer.id, TeamMember.role.in_(LEAD_ROLES)
    )
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(TeamMember)
            .where(TeamMember.user_id == user_id, TeamMember.team_id.in_(led))
        )
        > 0
    )


CODE_EPOCH = dt.date(2020, 1, 1)  # the record's dates are days from this in the code
CODE_MAC_BYTES = 5


def _code_mac(payload: bytes) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"service-record|" + payload, hashlib.sha256).digest()[:CODE_MAC_BYTES]


def verification_code(user_id: int, start: dt.date, end: dt.date, hours: float, issued: dt.date) -> str:
    """A code that carries what the record says (whose, the period, the hours, the day it was
    issued) signed with the station's key, so staff can read it back and confirm it without the
    station keeping a copy of every record printed: 28 letters and digits in groups of four."""
    payload = (
        user_id.to_bytes(3, "big")
        + (start - CODE_EPOCH).days.to_bytes(2, "big")
        + (end - CODE_EPOCH).days.to_bytes(2, "big")
        + (issued - CODE_EPOCH).days.to_bytes(2, "big")
        + round(hours * 100).to_bytes(3, "big")
    )
    text = base64.b32encode(payload + _code_mac(payload)).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def read_code(code: str) -> dict | None:
    """What a verification code says, if the station issued it; None for any other text."""
    text = re.sub(r"[\s\-]", "", code or "").upper().translate(str.maketrans("018", "OIB"))
    if len(text) != 28 or not re.fullmatch(r"[A-Z2-7]+", text):
        return None
    try:
        raw = base64.b32decode(text + "====")
    except (binascii.Error, ValueError):
        return None
    if base64.b32encode(raw).decode().rstrip("=") != text:
        return None  # the last letter's unused bits changed: not the code as issued
    payload, mac = raw[:-CODE_MAC_BYTES], raw[-CODE_MAC_BYTES:]
    if len(payload) != 12 or not hmac.compare_digest(mac, _code_mac(payload)):
        return None

    def day(at: int) -> dt.date:
        return CODE_EPOCH + dt.timedelta(days=int.from_bytes(payload[at : at + 2], "big"))

    return {
        "user_id": int.from_bytes(payload[0:3], "big"),
        "start": day(3),
        "end": day(5),
        "issued": day(7),
        "hours": int.from_bytes(payload[9:12], "big") / 100,
    }


def service_record(user, start: dt.date, end: dt.date, issued: dt.date) -> dict:
    """What the printed record says: the shifts, their hours, the total and the code."""
    rows = [
        {
            "day": to_local(s.shift.starts_at).date(),
            "place": s.shift.title or s.shift.point.name,
            "hours": signup_hours(s),
        }
        for s in attended(user.id, start, end)
    ]
    total = round(sum(r["hours"] for r in rows), 2)
    return {
        "name": user.name,
        "start": start,
        "end": end,
        "rows": rows,
        "total": total,
        "issued": issued,
        "code": verification_code(user.id, start, end, total, issued),
    }


def record_pdf(record: dict) -> bytes:
    """The record as an A4 PDF in the request's language."""
    locale = get_locale()
    zh = locale is not None and locale.language == "zh"
    station = current_app.config["STATION_NAME_ZH" if zh else "STATION_NAME"]
    font, out = cjk_font(), io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(_("Record of volunteer service hours"))
    width, height = A4
    left, y = 20 * mm, height - 25 * mm

    def line(text: str, size: int = 11, gap: float = 7 * mm) -> None:
        """Draw ``text``, wrapped to the page's width, starting a new page when this one is full."""
        nonlocal y
        for part in simpleSplit(text, font, size, width - 2 * left):
            if y < 25 * mm:
                pdf.showPage()
                y = height - 25 * mm
            pdf.setFont(font, size)
            pdf.drawString(left, y, part)
            y -= gap

    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, _("Record of volunteer service hours"))
    y -= 14 * mm
    line(_("Name: %(name)s", name=record["name"]))
    line(
        _(
            "Period: %(start)s to %(end)s",
            start=format_date(record["start"], "long"),
            end=format_date(record["end"], "long"),
        )
    )
    line(_("Station: %(station)s", station=station))
    line(_("Shifts attended: %(num)d", num=len(record["rows"])))
    line(_("Total hours: %(hours)s", hours=f"{record['total']:.2f}"), size=13, gap=10 * mm)
    for row in record["rows"]:
        line(f"{row['day'].isoformat()}   {row['place'][:40]}   {row['hours']:.2f}", size=10, gap=6 * mm)
    y -= 6 * mm
    line(
        _(
            "This record lists the patrol shifts the volunteer checked in for at %(station)s.",
            station=station,
        ),
        size=10,
    )
    line(_("Issued on %(date)s", date=format_date(record["issued"], "long")))
    line(_("Verification code: %(code)s (the station can confirm it)", code=record["code"]), size=10)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
