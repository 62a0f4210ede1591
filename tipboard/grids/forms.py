from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tipboard.auth.services import active_staff
from tipboard.forms import Form, strip_text
from tipboard.grids.services import supervisors


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class OfficersForm(Form):
    officer_id = SelectField(_l("Responsible officer"), coerce=_optional_id, validators=[Optional()])
    deputy_id = SelectField(_l("Deputy"), coerce=_optional_id, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(i), name) for i, name in active_staff()]
        self.officer_id.choices = self.deputy_id.choices = choices


class GridMemberForm(Form):
    login = StringField(
        _l("Account (user name, phone or email)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=120)],
    )
    role = SelectField(
        _l("As"),
        choices=[("gridworker", _l("Grid worker")), ("building_lead", _l("Building lead"))],
        validators=[InputRequired()],
    )
    note = StringField(
        _l("Building or area (optional)"), filters=[strip_text], validators=[Optional(), Length(max=100)]
    )


class DutyForm(Form):
    day = DateField(_l("Day"), validators=[InputRequired()])
    leader = SelectField(_l("Duty leader"), coerce=_optional_id, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.leader.choices = [("", _l("(nobody)"))] + [(str(i), name) for i, name in supervisors()]
