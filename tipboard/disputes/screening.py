"""Screening rounds (矛盾纠纷排查): per grid and day, who screened and the disputes found, each
opened as a case (channel "screening", its source naming the round)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tipboard.disputes import bp
from tipboard.disputes.forms import set_grid_choices
from tipboard.disputes.intake import Applicant, DisputeError, open_case
from tipboard.disputes.models import KIND_LABELS, Channel, DisputeCase, ScreeningRound
from tipboard.disputes.views import error_text
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.forms import Form, strip_text
from tipboard.geo import grid_places
from tipboard.nav import register_nav
from tipboard.permissions import STAFF, Role, roles_required

SCREENING_ROLES = (*STAFF, Role.GRIDWORKER)

register_nav("disputes.screening", _l("Dispute screening"), roles=SCREENING_ROLES, order=65)


@dataclasses.dataclass
class Found:
    kind: str
    facts: str
    party: str
    other: str | None = None


def record_round(
    grid_id, day: dt.date, screeners: str, notes: str | None, found: list[Found], actor
) -> ScreeningRound:
    round_ = ScreeningRound(
        grid_id=grid_id, day=day, screeners=screeners.strip()[:300], notes=notes, recorded_by_id=actor.id
    )
    db.session.add(round_)
    db.session.flush()
    for item in found:
        open_case(
            Applicant(None, item.party),
            item.kind,
            item.facts,
            _("(found in screening; to be asked)"),
            other_name=item.other,
            source=f"screening:{round_.id}",
            channel=Channel.SCREENING.value,
            grid_id=grid_id,
            recorded_by=actor,
        )
    return round_


def rounds(limit: int = 30) -> list[tuple[ScreeningRound, int]]:
    found = (
        sa.select(sa.func.count())
        .where(DisputeCase.source == sa.literal("screening:") + sa.cast(ScreeningRound.id, sa.String))
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(ScreeningRound, found)
        .order_by(ScreeningRound.day.desc(), ScreeningRound.id.desc())
        .limit(limit)
    ).all()
    return [(r, n) for r, n in rows]


class FoundForm(Form):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    facts = TextAreaField(
        _l("What was found"),
        filters=[strip_text],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    party = StringField(_l("Who raised it"), filters=[strip_text], validators=[Optional(), Length(max=100)])
    other = StringField(_l("The other side"), filters=[strip_text], validators=[Optional(), Length(max=100)])


class ScreeningForm(Form):
    grid = SelectField(_l("Grid"), coerce=int, validate_choice=False, default=0)
    day = DateField(_l("Day"), validators=[InputRequired()])
    screeners = StringField(
        _l("Who screened"), filters=[strip_text], validators=[InputRequired(), Length(max=300)]
    )
    notes = TextAreaField(
        _l("Notes"), filters=[strip_text], validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    found = FieldList(FormField(FoundForm), min_entries=3, max_entries=10)


@bp.route("/screening", methods=["GET", "POST"])
@roles_required(*SCREENING_ROLES)
def screening():
    form = ScreeningForm()
    set_grid_choices(form, grid_places())
    if form.validate_on_submit():
        found = [
            Found(f.kind.data, f.facts.data, f.party.data or _("(unknown)"), f.other.data or None)
            for f in form.found
            if f.facts.data
        ]
        try:
            record_round(
                form.grid.data or None,
                form.day.data,
                form.screeners.data,
                form.notes.data or None,
                found,
                current_user,
            )
        except DisputeError as exc:
            refuse(error_text(exc))
        else:
            flash(_("The screening round was recorded with %(n)d cases.", n=len(found)), "success")
            return redirect(url_for("disputes.screening"))
    return render_template("disputes/screening.html", form=form, rounds=rounds()), 400 if form.errors else 200
