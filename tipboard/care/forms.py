from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tipboard.care.models import KIND_LABELS, VISITOR_LABELS
from tipboard.forms import Form, strip_text
from tipboard.geo import grid_places


def optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class PersonForm(Form):
    name = StringField(_l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=60)])
    kind = SelectField(
        _l("Kind of care"),
        choices=[(k.value, v) for k, v in KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    grid_id = SelectField(_l("Grid"), coerce=optional_id, validators=[InputRequired()])
    address = StringField(_l("Address"), filters=[strip_text], validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), filters=[strip_text], validators=[Optional(), Length(max=32)])
    guardian = StringField(
        _l("Guardian and how to reach them (children)"),
        filters=[strip_text],
        validators=[Optional(), Length(max=100)],
    )
    needs = TextAreaField(
        _l("What care is needed"), validators=[Optional(), Length(max=500)], render_kw={"rows": 2}
    )
    visit_every_days = IntegerField(
        _l("Visit every (days)"), default=30, validators=[InputRequired(), NumberRange(min=1, max=365)]
    )
    consent_by = StringField(
        _l("Consent given by (the person, or the guardian)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=100)],
    )
    consent = BooleanField(_l("They agreed to this file being kept"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid_id.choices = [(str(g.id), f"{g.code} · {g.name}") for g in grid_places()]


class PlanForm(Form):
    every_days = IntegerField(
        _l("Visit every (days)"), validators=[InputRequired(), NumberRange(min=1, max=365)]
    )
    visitor_kind = SelectField(
        _l("Who visits"),
        choices=[(k.value, v) for k, v in VISITOR_LABELS.items()],
        validators=[InputRequired()],
    )
    mentor = StringField(
        _l("One-to-one mentor's account (optional)"),
        filters=[strip_text],
        validators=[Optional(), Length(max=120)],
    )


class VisitorForm(Form):
    login = StringField(
        _l("Visitor's account (user name, phone or email)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=120)],
    )


class VisitForm(Form):
    found = TextAreaField(
        _l("What you found"), validators=[InputRequired(), Length(max=4000)], render_kw={"rows": 3}
    )
    needs = TextAreaField(
        _l("What they need"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    follow_up = TextAreaField(
        _l("Follow-up"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class LedgerForm(Form):
    class Meta:
        csrf = False  # a GET form

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])
