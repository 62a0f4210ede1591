from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from tipboard.forms import Form, strip_text
from tipboard.geo import grid_places
from tipboard.venues.models import CATEGORY_LABELS
from tipboard.venues.services import active_rules, all_venues


def optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class VenueForm(Form):
    name = StringField(_l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)])
    category = SelectField(
        _l("Category"),
        choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()],
        validators=[InputRequired()],
    )
    address = StringField(_l("Address"), filters=[strip_text], validators=[Optional(), Length(max=200)])
    grid_id = SelectField(_l("Grid"), coerce=optional_id, validators=[Optional()])
    manager = StringField(
        _l("Manager's account (user name, phone or email)"),
        filters=[strip_text],
        validators=[Optional(), Length(max=120)],
    )
    base_score = IntegerField(
        _l("Score at the start of each year"),
        default=100,
        validators=[InputRequired(), NumberRange(min=0, max=1000)],
    )
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid_id.choices = [("", "—")] + [(str(g.id), f"{g.code} · {g.name}") for g in grid_places()]


class RuleForm(Form):
    code = StringField(
        _l("Short name (letters, digits, dashes)"),
        validators=[InputRequired(), Length(max=40), Regexp(r"^[a-z0-9-]+$")],
    )
    name_zh = StringField(
        _l("Name (Chinese)"), filters=[strip_text], validators=[DataRequired(), Length(max=100)]
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip_text], validators=[DataRequired(), Length(max=100)]
    )
    points = IntegerField(
        _l("Points (negative: a deduction)"), validators=[InputRequired(), NumberRange(min=-100, max=100)]
    )
    rectify_days = IntegerField(
        _l("Days to rectify a deduction"), validators=[Optional(), NumberRange(min=1, max=365)]
    )
    active = BooleanField(_l("In use"), default=True)


class InspectionForm(Form):
    passed = SelectMultipleField(
        _l("Checklist: tick what is in order"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})

    def __init__(self, *args, checklist: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed.choices = list(checklist.items())


def _rule_choices():
    return [(str(r.id), f"{r.name} ({r.points:+d})") for r in active_rules()]


class FindingForm(Form):
    rule = SelectField(_l("Rule"), coerce=optional_id, validators=[InputRequired()])
    note = TextAreaField(
        _l("What was found"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2}
    )
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule.choices = _rule_choices()


class ProofForm(Form):
    note = TextAreaField(
        _l("What was done"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2}
    )
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})


class NoteForm(Form):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class TipFindingForm(Form):
    venue = SelectField(_l("Venue"), coerce=optional_id, validators=[InputRequired()])
    rule = SelectField(_l("Rule"), coerce=optional_id, validators=[InputRequired()])
    note = TextAreaField(
        _l("Note (empty: the report's description)"), validators=[Optional(), Length(max=2000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue.choices = [(str(v.id), v.name) for v in all_venues() if v.active]
        self.rule.choices = _rule_choices()
