from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tipboard.forms import Form, name_fields
from tipboard.templating import weekday_name

SKILLS = [
    ("first_aid", _l("First aid")),
    ("driver", _l("Drives the patrol car")),
    ("english", _l("Speaks English")),
    ("dialect", _l("Speaks the local dialect")),
]


def weekday_choices() -> list[tuple[str, str]]:
    """The days of the week as stored ("0" = Monday .. "6" = Sunday), named as the pages name them
    (``templating.weekday_name``: "Mon" / "周一"). A field's ``choices=weekday_choices`` is called
    once per form instance, so each request gets its language."""
    return [(str(day), weekday_name(day)) for day in range(7)]


def parse_route(text: str) -> list[list[float]]:
    """One "lat, lon" per line, in order; ValueError when a line is not two numbers."""
    route = [[float(x) for x in line.split(",")] for line in (text or "").splitlines() if line.strip()]
    if any(len(p) != 2 for p in route):
        raise ValueError("a route point needs a latitude and a longitude")
    return route


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(Form):
    pass


class TeamForm(Form):
    """A team as station staff name it; ``grids.choices`` are set by the view."""

    name_zh, name_en = name_fields()
    description = TextAreaField(
        _l("What the team does (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 3}
    )
    grids = CheckboxesField(_l("The grids it patrols"), validators=[InputRequired()])
    swaps_need_approval = BooleanField(_l("A shift swap needs a leader's approval"))


class ApplyForm(Form):
    message = TextAreaField(
        _l("A few words about you (optional)"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 3},
    )


class ProfileForm(Form):
    max_shifts_per_week = IntegerField(
        _l("At most this many shifts a week"),
        default=2,
        validators=[InputRequired(), NumberRange(min=0, max=14)],
    )
    skills = CheckboxesField(_l("Skills"), choices=SKILLS)
    emergency_name = StringField(_l("Emergency contact: name"), validators=[Optional(), Length(max=100)])
    emergency_phone = StringField(_l("Emergency contact: phone"), validators=[Optional(), Length(max=40)])
    max_hours_per_week = IntegerField(
        _l("At most this many hours a week"),
        validators=[Optional(), NumberRange(min=0, max=80)],
    )
    avoid_late = BooleanField(_l("No late shifts, please"))
    home_grid_id = SelectField(
        _l("Patrol near where I live or work"),
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        validators=[Optional()],
    )


class AvailabilityForm(Form):
    weekday = SelectField(_l("Day"), choices=weekday_choices, validators=[InputRequired()])
    start_time = TimeField(_l("From"), validators=[InputRequired()])
    end_time = TimeField(_l("To"), validators=[InputRequired()])


class AwayForm(Form):
    day = DateField(_l("Away on"), validators=[InputRequired()])


class PointForm(Form):
    name_zh, name_en = name_fields()
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), NumberRange(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), NumberRange(min=-180, max=180)])
    radius_m = IntegerField(
        _l("Radius (metres)"), default=150, validators=[InputRequired(), NumberRange(min=20, max=5000)]
    )
    grid = SelectField(_l("Grid"), validators=[InputRequired()])
    team = SelectField(_l("Team (optional)"), validators=[Optional()])
    base_weight = FloatField(
        _l("Base priority"), default=1.0, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    route = TextAreaField(
        _l("Route (optional): one 'lat, lon' per line, in order"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )

    def validate_route(self, field):
        try:
            parse_route(field.data)
        except ValueError:
            raise ValidationError(
                _l("Each line needs a latitude and a longitude separated by a comma.")
            ) from None

    @property
    def route_points(self) -> list[list[float]]:
        return parse_route(self.route.data)


class TemplateForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=100)])
    shift_type = SelectField(
        _l("Type"),
        choices=[("patrol", _l("Patrol")), ("outreach", _l("Outreach")), ("talk", _l("Safety talk"))],
    )
    weekdays = CheckboxesField(_l("Days"), choices=weekday_choices, validators=[InputRequired()])
    start_time = TimeField(_l("Starts"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends"), validators=[InputRequired()])
    min_volunteers = IntegerField(
        _l("At least"), default=2, validators=[InputRequired(), NumberRange(min=1, max=200)]
    )
    max_volunteers = IntegerField(
        _l("At most"), default=4, validators=[InputRequired(), NumberRange(min=1, max=200)]
    )
    requires_leader = BooleanField(_l("A leader must be on it"), default=True)


class GenerateForm(Form):
    week = DateField(_l("Week starting (Monday)"), validators=[InputRequired()])


class ObservationForm(Form):
    body = TextAreaField(
        _l("What did you see?"), validators=[InputRequired(), Length(max=2000)], render_kw={"rows": 2}
    )


class ReportForm(Form):
    report = TextAreaField(
        _l("Shift report"), validators=[InputRequired(), Length(max=4000)], render_kw={"rows": 4}
    )


class SwapForm(Form):
    to = SelectField(_l("Offer to"), validators=[Optional()])


class RecordCheckForm(Form):
    code = StringField(
        _l("Verification code"),
        validators=[InputRequired(), Length(max=60)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
