from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tipboard.forms import Form
from tipboard.legal.models import OUTCOME_LABELS, TOPICS

WEEKDAYS = [
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
]
TEXT_MAX = 4000


class AskForm(Form):
    topic = SelectField(_l("Topic"), choices=list(TOPICS.items()), validators=[InputRequired()])
    question = TextAreaField(
        _l("Your question"),
        validators=[InputRequired(), Length(max=TEXT_MAX)],
        render_kw={"rows": 6},
    )
    photo = FileField(
        _l("A photo or PDF of a document (optional)"), render_kw={"accept": "image/*,application/pdf"}
    )


class TrackForm(Form):
    code = StringField(
        _l("Question code"), validators=[InputRequired(), Length(max=20)], render_kw={"autocomplete": "off"}
    )
    secret = StringField(
        _l("Secret"), validators=[InputRequired(), Length(max=20)], render_kw={"autocomplete": "off"}
    )


class MessageForm(Form):
    body = TextAreaField(
        _l("Message"), validators=[InputRequired(), Length(max=TEXT_MAX)], render_kw={"rows": 4}
    )


class ReplyForm(MessageForm):
    ask_back = BooleanField(_l("This is a question back to the asker, not an answer"))


class RateForm(Form):
    stars = RadioField(
        _l("How helpful was the answer?"),
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        coerce=int,
        validators=[InputRequired()],
    )


class ConfirmForm(Form):
    """A button with nothing to fill in (the CSRF token)."""


class ConsentForm(Form):
    agree = RadioField(
        _l("May the station publish this text?"),
        choices=[("yes", _l("Yes, publish it")), ("no", _l("No"))],
        validators=[InputRequired()],
    )


class FaqProposalForm(Form):
    question = TextAreaField(
        _l("Question as published"), validators=[InputRequired(), Length(max=TEXT_MAX)], render_kw={"rows": 5}
    )
    answer = TextAreaField(
        _l("Answer as published"), validators=[InputRequired(), Length(max=TEXT_MAX)], render_kw={"rows": 8}
    )
    question_translated = TextAreaField(
        _l("Question in the other language (optional)"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        render_kw={"rows": 3},
    )
    answer_translated = TextAreaField(
        _l("Answer in the other language (optional)"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        render_kw={"rows": 5},
    )


class DutyForm(Form):
    organisation = SelectField(_l("Firm"), coerce=int, validators=[InputRequired()])
    weekday = SelectField(_l("Day"), choices=WEEKDAYS, coerce=int, validators=[InputRequired()])
    start_hour = IntegerField(_l("From (hour)"), validators=[InputRequired(), NumberRange(0, 23)])
    end_hour = IntegerField(_l("To (hour)"), validators=[InputRequired(), NumberRange(1, 24)])


class DayOffForm(Form):
    day = DateField(_l("Day off"), validators=[InputRequired()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=200)])


class OfficeHoursForm(Form):
    organisation = SelectField(_l("Firm"), coerce=int, validators=[InputRequired()])
    weekday = SelectField(_l("Day"), choices=WEEKDAYS, coerce=int, validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("To"), validators=[InputRequired()])
    places = IntegerField(_l("Places"), validators=[InputRequired(), NumberRange(1, 50)])
    joint_mediation = BooleanField(_l("Joint police and lawyer mediation day"))


class BookForm(Form):
    topic = SelectField(_l("Topic"), choices=[("", "—"), *TOPICS.items()], validators=[Optional()])


class WalkInForm(Form):
    name = StringField(_l("Visitor's name"), validators=[InputRequired(), Length(max=100)])
    topic = SelectField(_l("Topic"), choices=[("", "—"), *TOPICS.items()], validators=[Optional()])


class MoveForm(Form):
    slot = SelectField(_l("New time"), coerce=int, validators=[InputRequired()])


class OutcomeForm(Form):
    outcome = RadioField(
        _l("Outcome"),
        choices=[*((o.value, label) for o, label in OUTCOME_LABELS.items()), ("no_show", _l("Did not come"))],
        validators=[InputRequired()],
    )
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class MonthForm(Form):
    class Meta:
        csrf = False

    month = StringField(_l("Month (YYYY-MM)"), validators=[Optional(), Length(max=7)])
