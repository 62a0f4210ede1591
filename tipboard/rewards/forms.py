import secrets
from decimal import Decimal, InvalidOperation

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from tipboard.extensions import db
from tipboard.forms import Form, strip_text
from tipboard.moderation.models import QueueItem
from tipboard.rewards.models import Reward

METHOD_LABELS = {
    "cash": _l("Cash at the station"),
    "bank": _l("Bank transfer"),
    "wallet": _l("Mobile wallet transfer"),
}


class YuanField(StringField):
    """Money typed in yuan ("12", "12.5"); ``.data`` is integer fen (None when empty)."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            value = Decimal(valuelist[0].strip())
        except InvalidOperation:
            raise ValueError(_l("Enter an amount in yuan, like 12 or 12.50.")) from None
        if (
            not value.is_finite()
            or value <= 0
            or value != value.quantize(Decimal("0.01"))
            or value > 1_000_000
        ):
            raise ValueError(_l("Enter an amount in yuan, like 12 or 12.50."))
        self.data = int(value * 100)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data / 100:.2f}" if isinstance(self.data, int) else ""


class IdempotentForm(Form):
    """Carries a key made when the form is drawn: a double click or a retry sends the same key."""

    idempotency_key = HiddenField(
        default=lambda: secrets.token_urlsafe(24), validators=[InputRequired(), Length(min=16, max=64)]
    )


def _amount_version_shown() -> str:
    """The amount version of the reward whose queue page draws the form: an approval sent from a page
    drawn before the amount changed is refused instead of approving an amount nobody showed."""
    item_id = (request.view_args or {}).get("item_id") if has_request_context() else None
    item = db.session.get(QueueItem, item_id) if isinstance(item_id, int) else None
    reward = db.session.get(Reward, item.subject_id) if item is not None and item.kind == "reward" else None
    return str(reward.amount_version) if reward is not None else ""


class ApproveForm(IdempotentForm):
    amount_version = HiddenField(default=_amount_version_shown, validators=[Optional(), Regexp(r"^\d{1,9}$")])


class RejectRewardForm(IdempotentForm):
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(), Length(max=1000)], render_kw={"rows": 2}
    )


class AmountForm(Form):
    amount = YuanField(_l("Amount (yuan)"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Why this amount"), validators=[InputRequired(), Length(max=1000)], render_kw={"rows": 2}
    )


class AcceptNominationForm(Form):
    amount = YuanField(_l("Award (yuan)"), validators=[InputRequired()])


class DeclineForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(), Length(max=1000)], render_kw={"rows": 2}
    )


class BudgetForm(Form):
    fund = SelectField(_l("Fund"), validators=[InputRequired()])
    period = StringField(
        _l("Period (YYYY-MM for a month, YYYY for a year)"),
        validators=[InputRequired(), Regexp(r"^\d{4}(-(0[1-9]|1[0-2]))?$")],
    )
    amount = YuanField(_l("Amount (yuan)"), validators=[InputRequired()])


class RuleForm(Form):
    rewardable = BooleanField(_l("Verified tips earn a red envelope"))
    minimum = YuanField(_l("Minimum (yuan)"), validators=[InputRequired()])
    default = YuanField(_l("Default (yuan)"), validators=[InputRequired()])
    maximum = YuanField(_l("Maximum (yuan)"), validators=[InputRequired()])


class RedeemForm(Form):
    code = StringField(
        _l("Claim code"),
        validators=[InputRequired(), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )


class PayForm(Form):
    method = RadioField(_l("Paid by"), choices=list(METHOD_LABELS.items()), validators=[InputRequired()])
    reference = StringField(
        _l("Reference (transfer number or receipt)"), validators=[Optional(), Length(max=100)]
    )


class RedeemPayForm(PayForm):
    """The second step at the desk: the code looked up in the first step rides along."""

    code = HiddenField(validators=[InputRequired(), Length(max=20)])
    step = HiddenField(default="pay")


class CollectForm(Form):
    method = RadioField(
        _l("How would you like to collect it?"),
        choices=list(METHOD_LABELS.items()),
        validators=[InputRequired()],
    )


class NominationForm(Form):
    kind = SelectField(_l("Award"), validators=[InputRequired()])
    nominee_name = StringField(_l("Who?"), filters=[strip_text], validators=[DataRequired(), Length(max=100)])
    nominee_contact = StringField(
        _l("How to reach them (optional)"), validators=[Optional(), Length(max=100)]
    )
    story = TextAreaField(
        _l("What did they do?"), validators=[InputRequired(), Length(min=20, max=4000)], render_kw={"rows": 5}
    )
    # Only records that the nominator asked: the nominee says yes themselves before being named.
    public_consent = BooleanField(
        _l("They would like to be on the public honour board (the station will ask them to confirm)")
    )


class ConsentCodeForm(Form):
    code = StringField(
        _l("Your consent code"),
        validators=[InputRequired(), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )


class ConsentAnswerForm(Form):
    code = HiddenField(validators=[InputRequired(), Length(max=20)])
    answer = HiddenField(validators=[InputRequired(), AnyOf(["yes", "no"])])


class StatementForm(Form):
    class Meta:
        csrf = False

    month = StringField(_l("Month"), validators=[InputRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")])
