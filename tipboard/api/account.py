"""A user's own personal access tokens for /api/v1 (linked from the account page): make one for
one of their roles (shown once), revoke it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from tipboard.admin.forms import ROLE_LABELS
from tipboard.api import bp, tokens
from tipboard.flow import refuse
from tipboard.forms import Form, strip_text
from tipboard.permissions import Role, login_required

NEW_TOKEN = "new_api_token"  # session key: the token just made, shown once
TOKEN_ERRORS = {
    "bad_scope": _l("Choose one of your own roles."),
    "too_many": _l("You have too many tokens; revoke one you no longer use first."),
}


class TokenForm(Form):
    name = StringField(
        _l("What the token is for (e.g. the desk's tablet)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=100)],
    )
    scope = SelectField(_l("It acts in my role as"))


class RevokeTokenForm(Form):
    pass


def _scope_choices() -> list[tuple[str, str]]:
    return [(r.value, str(ROLE_LABELS[r])) for r in Role if r.value in current_user.role_names]


@bp.route("/api/tokens", methods=["GET", "POST"])
@login_required
def tokens_page():
    form = TokenForm()
    form.scope.choices = _scope_choices()
    if form.validate_on_submit():
        try:
            token, raw = tokens.issue_token(current_user, form.name.data, form.scope.data)
        except tokens.TokenError as exc:
            refuse(str(TOKEN_ERRORS[exc.code]))
        else:
            session[NEW_TOKEN] = {"id": token.id, "token": raw}
            return redirect(url_for("api.tokens_page"))
    response = current_app.make_response(
        (
            render_template(
                "api/tokens.html",
                form=form,
                tokens=tokens.tokens_of(current_user),
                new_token=session.pop(NEW_TOKEN, None),
                revoke_form=RevokeTokenForm(),
                role_labels={r.value: ROLE_LABELS[r] for r in Role},
            ),
            400 if form.errors else 200,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    elif tokens.revoke_token(current_user.id, token_id):
        flash(_("The token is revoked."), "success")
    else:
        refuse(_("That token is not yours or was already revoked."))
    return redirect(url_for("api.tokens_page"))
