"""The dispute forms. Choices that come from the database are set in ``__init__``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tipboard.disputes.models import KIND_LABELS, MEETING_LABELS, Channel, Side
from tipboard.forms import Form, strip_text

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
SIDES = [(Side.APPLICANT.value, _l("Applicant")), (Side.OTHER.value, _l("Other side"))]


class CaseForm(Form):
    kind = SelectField(
        _l("What is the dispute about?"), choices=[(k.value, v) for k, v in KIND_LABELS.items()]
    )
    facts = TextAreaField(
        _l("What happened?"),
        filters=[strip_text],
        validators=[InputRequired(message=_l("Please describe what happened.")), Length(min=5, max=4000)],
        render_kw={"rows": 5, "maxlength": 4000},
    )
    wishes = TextAreaField(
        _l("What would you like to happen?"),
        filters=[strip_text],
        validators=[InputRequired(message=_l("Please say what you would like.")), Length(max=2000)],
        render_kw={"rows": 3, "maxlength": 2000},
    )
    other_name = StringField(
        _l("The other side's name (if known)"), filters=[strip_text], validators=[Optional(), Length(max=100)]
    )
    other_phone = StringField(
        _l("The other side's phone (if known)"), filters=[strip_text], validators=[Optional(), Length(max=32)]
    )
    meeting = RadioField(
        _l("How would you like to meet?"),
        choices=[(k.value, v) for k, v in MEETING_LABELS.items()],
        default="online",
    )
    grid = SelectField(_l("Where (grid, optional)"), coerce=int, validate_choice=False, default=0)
    risk = BooleanField(_l("There were threats or violence"))
    evidence = MultipleFileField(
        _l("Evidence: photos or PDF files (optional)"), render_kw={"accept": "image/*,application/pdf"}
    )
    # Filled in by an applicant without an account, and by staff for a walk-in or a call.
    applicant_name = StringField(
        _l("Your name"), filters=[strip_text], validators=[Optional(), Length(max=100)]
    )
    applicant_phone = StringField(
        _l("Your phone (optional)"), filters=[strip_text], validators=[Optional(), Length(max=32)]
    )
    channel = SelectField(
        _l("How did the applicant come?"),
        choices=[
            (Channel.ONLINE.value, _l("Online")),
            (Channel.WALK_IN.value, _l("Walked in")),
            (Channel.PHONE.value, _l("Phone call")),
        ],
        default=Channel.ONLINE.value,
    )


def set_grid_choices(form: CaseForm, places) -> None:
    form.grid.choices = [(0, "–")] + [(p.id, p.name) for p in places]


class FollowForm(Form):
    code = StringField(_l("Case code"), filters=[strip_text], validators=[InputRequired(), Length(max=20)])
    secret = StringField(
        _l("Secret or invitation code"), filters=[strip_text], validators=[InputRequired(), Length(max=40)]
    )


class MessageForm(Form):
    body = TextAreaField(
        _l("Message"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=4000)],
        render_kw={"rows": 3},
    )
    thread = HiddenField(validators=[InputRequired()])
    party = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])


class FileForm(Form):
    file = FileField(
        _l("Add a photo or PDF"),
        validators=[InputRequired()],
        render_kw={"accept": "image/*,application/pdf"},
    )


class ShareForm(Form):
    shared = HiddenField()


class ConsentForm(Form):
    agree = RadioField(
        _l("Do you agree to settle this dispute by mediation?"),
        choices=[("yes", _l("Yes, I agree to mediation")), ("no", _l("No, I do not agree"))],
        validators=[InputRequired()],
    )


class ObligationForm(Form):
    class Meta:
        csrf = False

    side = SelectField(_l("Who"), choices=SIDES, default=Side.OTHER.value, validate_choice=False)
    text = StringField(_l("Does what"), filters=[strip_text], validators=[Optional(), Length(max=500)])
    due_on = DateField(_l("By"), validators=[Optional()])


class AgreementForm(Form):
    facts = TextAreaField(
        _l("Main facts"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=4000)],
        render_kw={"rows": 4},
    )
    matters = TextAreaField(
        _l("Matters in dispute and each side's responsibility"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=4000)],
        render_kw={"rows": 4},
    )
    terms = TextAreaField(
        _l("What the parties agreed"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=4000)],
        render_kw={"rows": 4},
    )
    performance = TextAreaField(
        _l("How and by when it is carried out"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    obligations = FieldList(FormField(ObligationForm), min_entries=3, max_entries=10)


class ConfirmForm(Form):
    typed_name = StringField(
        _l("Type your full name"), filters=[strip_text], validators=[InputRequired(), Length(max=100)]
    )
    code = StringField(
        _l("One-time code"), filters=[strip_text], validators=[InputRequired(), Length(max=10)]
    )


class PaperForm(Form):
    party = SelectField(_l("Party who signed on paper"), coerce=int, validate_choice=False)
    scan = FileField(
        _l("Scan or photo of the signed page"),
        validators=[InputRequired()],
        render_kw={"accept": "image/*,application/pdf"},
    )


class FollowUpForm(Form):
    carried_out = RadioField(
        _l("Was the agreement carried out?"), choices=YES_NO, validators=[InputRequired()]
    )
    came_back = RadioField(_l("Did the dispute come back?"), choices=YES_NO, validators=[InputRequired()])


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=1000)],
        render_kw={"rows": 2},
    )


class EmptyForm(Form):
    pass


class ScheduleForm(Form):
    day = DateField(_l("Day"), validators=[InputRequired()])
    hour = SelectField(_l("Starting at"), coerce=int, choices=[(h, f"{h:02d}:00") for h in range(8, 21)])
    hours = SelectField(_l("Hours"), coerce=int, choices=[(h, str(h)) for h in range(1, 5)])
    place = RadioField(
        _l("Where"),
        choices=[("room", _l("The station's mediation room")), ("online", _l("Online"))],
        default="room",
    )
