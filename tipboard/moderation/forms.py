from flask_babel import lazy_gettext as _l
from tipboard.forms import Form
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class ClaimForm(Form):
    pass


class BulkForm(Form):
    """CSRF only: the items and the action come as plain fields, the action's inputs with the
    ``bulk-`` prefix."""


class ResponseTemplateForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=100)])
    body_zh = TextAreaField(_l("Text (Chinese)"), validators=[InputRequired(), Length(max=4000)],
                            render_kw={"rows": 4})
    body_en = TextAreaField(_l("Text (English)"), validators=[InputRequired(), Length(max=4000)],
                            render_kw={"rows": 4})
    active = BooleanField(_l("Offered to staff"), default=True)
