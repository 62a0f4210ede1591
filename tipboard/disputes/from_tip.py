"""A tip in a neighbourhood-dispute category turned into a mediation case, with its reporter's
consent: the tip's tracking page asks the reporter; the reporter becomes the applicant and stays
anonymous to the other side unless they agree to be named."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length

from tipboard.disputes import bp
from tipboard.disputes.access import grant_party
from tipboard.disputes.intake import Applicant, DisputeError, open_case
from tipboard.disputes.models import Channel, DisputeCase, DisputeKind
from tipboard.disputes.views import error_text
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.forms import Form, strip_text
from tipboard.permissions import public
from tipboard.tips.access import tip_for_reporter
from tipboard.tips.panels import register_tracking_panel


class FromTipForm(Form):
    name = StringField(
        _l("How should the mediator call you?"),
        filters=[strip_text],
        validators=[InputRequired(), Length(max=100)],
    )
    show_name = BooleanField(_l("The other side may see my name"))


def _source(tip) -> str:
    return f"tip:{tip.id}"


def case_of_tip(tip) -> DisputeCase | None:
    return db.session.scalar(sa.select(DisputeCase).where(DisputeCase.source == _source(tip)))


def offered(tip) -> bool:
    return tip.category is not None and tip.category.slug in current_app.config["DISPUTE_TIP_CATEGORIES"]


def case_from_tip(tip, name: str, show_name: bool, reporter=None):
    """Open a case from the tip (once: a second call returns None and changes nothing)."""
    if not offered(tip) or case_of_tip(tip) is not None:
        return None
    return open_case(
        Applicant(reporter, name),
        DisputeKind.NEIGHBOURS.value,
        tip.description,
        _("(from a tip; to be asked)"),
        source=_source(tip),
        channel=Channel.TIP.value,
        grid_id=tip.grid_id,
        hidden_from_other=not show_name,
    )


def _panel(tip):
    if not offered(tip):
        return None
    return render_template("disputes/_tip_panel.html", tip=tip, case=case_of_tip(tip), form=FromTipForm())


register_tracking_panel(_panel, order=40)


@bp.post("/from-tip/<code>")
@public
def from_tip(code: str):
    tip = tip_for_reporter(code)
    form = FromTipForm()
    if not form.validate_on_submit():
        flash(_("Please give a name the mediator can call you by."), "error")
        return redirect(url_for("tips.tracked", code=tip.tracking_code))
    reporter = current_user if current_user.is_authenticated and tip.is_reporter(current_user) else None
    try:
        receipt = case_from_tip(tip, form.name.data, bool(form.show_name.data), reporter)
    except DisputeError as exc:
        refuse(error_text(exc))
        return redirect(url_for("tips.tracked", code=tip.tracking_code))
    if receipt is None:
        return redirect(url_for("tips.tracked", code=tip.tracking_code))
    session["dispute_receipt"] = {"code": receipt.code, "secret": receipt.secret}
    if receipt.secret:
        grant_party(receipt.case.parties[0].id)
    return redirect(url_for("disputes.receipt"))
