from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tipboard.forms import Form, strip_text


class ClaimForm(Form):
    pass


class BulkForm(Form):
    """CSRF only: the items and the action come as plain fields, the action's inputs with the
    ``bulk-`` prefix."""


class ResponseTemplateForm(Form):
    # Trimmed before the checks (the service trims too), so text of spaces only is "required",
    # not a template saved with an empty title or an empty note.
    title = StringField(_l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=100)])
    body_zh = TextAreaField(
        _l("Text (Chinese)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=4000)],
        render_kw={"rows": 4},
    )
    body_en = TextAreaField(
        _l("Text (English)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=4000)],
        render_kw={"rows": 4},
    )
    active = BooleanField(_l("Offered to staff"), default=True)
