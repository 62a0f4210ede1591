from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from tipboard.forms import Form
from tipboard.tips.messages import TIP_ERRORS
from tipboard.tips.models import CONTACT_LABELS, ContactPreference


class TipForm(Form):
    # The view sets the choices (the active categories); validate_category says what is wrong.
    category = SelectField(
        _l("What is it about?"), coerce=int, validators=[InputRequired()], validate_choice=False
    )
    description = TextAreaField(
        _l("What did you see?"),
        validators=[InputRequired(message=_l("Please describe what you saw.")), Length(min=5, max=4000)],
        render_kw={"rows": 5, "maxlength": 4000},
    )
    seen_at = DateTimeLocalField(
        _l("When did you see it?"), validators=[Optional()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    )
    address = StringField(_l("Address, landmark or grid name"), validators=[Optional(), Length(max=200)])
    lat = FloatField(validators=[Optional(), NumberRange(min=-90, max=90)])
    lon = FloatField(validators=[Optional(), NumberRange(min=-180, max=180)])
    photos = MultipleFileField(_l("Photos (up to 3)"), render_kw={"accept": "image/*"})
    use_photo_location = BooleanField(
        _l("Use the location stored in my photo (the photo itself is stored without it)")
    )
    anonymous = BooleanField(_l("Stay anonymous"), default=True)
    contact_preference = RadioField(
        _l("How may the station contact you?"),
        choices=[(p.value, CONTACT_LABELS[p]) for p in ContactPreference],
        default=ContactPreference.INBOX.value,
    )
    upload_token = HiddenField()
    origin = HiddenField(validators=[Optional(), Length(max=300)])
    nearby_checked = HiddenField()
    # Drawn by tip-form.js per report (a random UUID); absent without JS.
    submission_key = HiddenField(validators=[Optional(), Length(min=16, max=64)])

    def validate_category(self, field):
        """Anything but an offered category (one switched off since the form was loaded, a
        tampered value) gets the tip services' own message, and only that one: not WTForms'
        "Not a valid choice" or "Invalid Choice: could not coerce" beside it."""
        if field.data not in {value for value, _label in field.choices or ()}:
            field.errors.clear()
            raise ValidationError(TIP_ERRORS["bad_category"])

    def validate_description(self, field):
        if field.data and len(field.data) > current_app.config["DESCRIPTION_MAX_CHARS"]:
            raise ValidationError(
                _l(
                    "That is too long; please keep it under %(n)s characters.",
                    n=current_app.config["DESCRIPTION_MAX_CHARS"],
                )
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and (self.lat.data is None) != (self.lon.data is None):
            self.lat.errors = [*self.lat.errors, _l("The location is incomplete; please set it again.")]
            return False
        return valid


class TrackForm(Form):
    code = StringField(
        _l("Tracking code"),
        validators=[InputRequired(), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    secret = StringField(
        _l("Secret"),
        validators=[InputRequired(), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )


class MessageForm(Form):
    body = TextAreaField(
        _l("Your message"), validators=[InputRequired(), Length(max=4000)], render_kw={"rows": 4}
    )


class MeTooForm(Form):
    comment = TextAreaField(
        _l("Anything to add? (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )
