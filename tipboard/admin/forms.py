from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from tipboard.forms import Form, name_fields, strip_text
from tipboard.permissions import Role
from tipboard.tips.models import QUESTION_KIND_LABELS, QuestionKind

ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.LEADER: _l("Volunteer leader"),
    Role.STAFF: _l("Station staff"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
    Role.MEDIATOR: _l("People's mediator"),
    Role.LAWYER: _l("Lawyer"),
    Role.PARTNER: _l("Partner organisation member"),
    Role.GRIDWORKER: _l("Grid worker"),
    Role.BUILDING_LEAD: _l("Building lead"),
    Role.VENUE_MANAGER: _l("Venue manager"),
}


class CategoryForm(Form):
    slug = StringField(
        _l("Short name (letters, digits, dashes)"),
        validators=[InputRequired(), Length(max=40), Regexp(r"^[a-z0-9-]+$")],
    )
    name_zh, name_en = name_fields()
    hint_zh = StringField(_l("Examples (Chinese)"), validators=[Optional(), Length(max=300)])
    hint_en = StringField(_l("Examples (English)"), validators=[Optional(), Length(max=300)])
    is_hazard = BooleanField(_l("A hazard (may earn a reward)"))
    active = BooleanField(_l("Offered on the tip form"), default=True)
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])
    response_hours = IntegerField(
        _l("First response within (hours)"), validators=[Optional(), NumberRange(min=1, max=24 * 60)]
    )
    resolution_hours = IntegerField(
        _l("Resolution within (hours)"), validators=[Optional(), NumberRange(min=1, max=24 * 365)]
    )


class GridForm(Form):
    code = StringField(_l("Code"), filters=[strip_text], validators=[DataRequired(), Length(max=32)])
    name_zh, name_en = name_fields()
    center_lat = FloatField(_l("Centre latitude"), validators=[InputRequired(), NumberRange(min=-90, max=90)])
    center_lon = FloatField(
        _l("Centre longitude"), validators=[InputRequired(), NumberRange(min=-180, max=180)]
    )
    radius_m = IntegerField(
        _l("Radius (metres)"), default=500, validators=[InputRequired(), NumberRange(min=50, max=20_000)]
    )


class UserRolesForm(Form):
    roles = SelectMultipleField(
        _l("Roles"),
        choices=[(r.value, ROLE_LABELS[r]) for r in Role],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    active = BooleanField(_l("Account active"))


class QuestionForm(Form):
    """An extra question a category asks on the tip form (an Open311 attribute)."""

    code = StringField(
        _l("Code (letters, digits, dashes; what Open311 clients send)"),
        validators=[InputRequired(), Length(max=40), Regexp(r"^[a-z0-9_-]+$")],
    )
    text_zh = StringField(
        _l("Question (Chinese)"), filters=[strip_text], validators=[DataRequired(), Length(max=300)]
    )
    text_en = StringField(
        _l("Question (English)"), filters=[strip_text], validators=[DataRequired(), Length(max=300)]
    )
    kind = SelectField(_l("Answer"), choices=[(k.value, QUESTION_KIND_LABELS[k]) for k in QuestionKind])
    choices = TextAreaField(
        _l("Choices, one a line: key|English|Chinese (for the choice kinds)"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 4},
    )
    required = BooleanField(_l("An answer is required"))
    active = BooleanField(_l("Asked on the tip form"), default=True)
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])
