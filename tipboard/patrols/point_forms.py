"""Forms for suggested points, incident imports and retiring a point."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import FloatField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from tipboard.forms import Form, name_fields
from tipboard.patrols.forms import CheckboxesField, weekday_choices

HOURS_LINE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(text: str) -> list[tuple[dt.time, dt.time]]:
    """One "HH:MM-HH:MM" per line (station time; an end at or before the start is the next day)."""
    result = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = HOURS_LINE.match(line)
        if not match:
            raise ValueError(line)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = dt.time(h1, m1), dt.time(0 if (h2, m2) == (24, 0) else h2, m2)
        if start == end:
            raise ValueError(line)
        result.append((start, end))
    return result


def hours_text(hours: list[tuple[int, int]]) -> str:
    return "\n".join(f"{start:02d}:00-{end % 24:02d}:00" for start, end in hours)


class AcceptForm(Form):
    name_zh, name_en = name_fields()
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), NumberRange(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), NumberRange(min=-180, max=180)])
    radius_m = IntegerField(
        _l("Radius (metres)"), default=150, validators=[InputRequired(), NumberRange(min=20, max=5000)]
    )
    grid = SelectField(_l("Grid"), validators=[InputRequired()])
    team = SelectField(_l("Team (optional)"), validators=[Optional()])
    hours = TextAreaField(
        _l("Patrol hours: one 'HH:MM-HH:MM' per line (a shift template each)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 3},
    )
    weekdays = CheckboxesField(_l("Days"), choices=weekday_choices, validators=[InputRequired()])

    def validate_hours(self, field):
        try:
            parse_hours(field.data)
        except ValueError:
            raise ValidationError(_l("Each line needs a time range such as 19:00-22:00.")) from None
        if len(parse_hours(field.data)) > 6:
            raise ValidationError(_l("At most six time ranges."))

    @property
    def hour_ranges(self) -> list[tuple[dt.time, dt.time]]:
        return parse_hours(self.hours.data)


class DismissForm(Form):
    reason = TextAreaField(
        _l("Why is no point needed here?"),
        validators=[InputRequired(), Length(max=500)],
        render_kw={"rows": 2},
    )


class RetireForm(Form):
    reason = TextAreaField(
        _l("Why is the point retired?"), validators=[InputRequired(), Length(max=500)], render_kw={"rows": 2}
    )


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
