from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tipboard.forms import Form, strip_text
from tipboard.partners.models import KIND_LABELS


class OrganisationForm(Form):
    name = StringField(_l("Name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)])
    kind = SelectField(
        _l("Kind"),
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired()],
    )
    phone = StringField(_l("Phone"), filters=[strip_text], validators=[Optional(), Length(max=32)])
    active = BooleanField(_l("Active (uncheck to deactivate: its members then see nothing)"), default=True)


class MemberForm(Form):
    login = StringField(
        _l("Account (user name, phone or email)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=120)],
    )
    title = StringField(_l("Title"), filters=[strip_text], validators=[Optional(), Length(max=60)])


class ReplyForm(Form):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})
    done = BooleanField(_l("The work is done (the station will check)"))
