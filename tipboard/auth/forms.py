from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from tipboard.forms import Form
from tipboard.i18n import language_choices

PASSWORD_RULES = [InputRequired(), Length(min=10, max=128, message=_l("Use 10 to 128 characters."))]


class RegisterForm(Form):
    name = StringField(
        _l("Your name"), validators=[InputRequired(), Length(max=100)], render_kw={"autocomplete": "name"}
    )
    contact = StringField(
        _l("Phone number or email"),
        validators=[InputRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=PASSWORD_RULES, render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(Form):
    login = StringField(
        _l("Phone, email or user name"),
        validators=[InputRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this phone"))
    next = HiddenField()


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"), validators=PASSWORD_RULES, render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class SettingsForm(Form):
    locale = SelectField(_l("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


class ResetRequestForm(Form):
    login = StringField(
        _l("Phone, email or user name"),
        validators=[InputRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"), validators=PASSWORD_RULES, render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
