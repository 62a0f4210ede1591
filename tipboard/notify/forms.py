from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tipboard.forms import Form
from tipboard.notify.alerts import BROADCAST_MAX_CHARS, MAX_RADIUS_M

CHANNEL_LABELS = {
    "sms": _l("Text message (SMS)"),
    "email": _l("Email"),
    "push": _l("Notifications in this app"),
}


class ChannelsForm(Form):
    channels = SelectMultipleField(
        _l("Send my messages by"),
        choices=list(CHANNEL_LABELS.items()),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


class AlertForm(Form):
    grid_id = SelectField(_l("A grid"), coerce=int, choices=[], validators=[Optional()])
    lat = FloatField(_l("Or around a point: latitude"), validators=[Optional(), NumberRange(-90, 90)])
    lon = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    radius_m = IntegerField(
        _l("Radius (metres)"), default=500, validators=[Optional(), NumberRange(min=50, max=MAX_RADIUS_M)]
    )
    categories = SelectMultipleField(
        _l("Kinds of hazard (none ticked: all)"),
        coerce=int,
        choices=[],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


class BroadcastForm(Form):
    audience = SelectField(_l("To"), choices=[], validators=[InputRequired()])
    text = TextAreaField(_l("Message"), validators=[InputRequired(), Length(max=BROADCAST_MAX_CHARS)])


class ButtonForm(Form):
    """A button that posts (CSRF only)."""
