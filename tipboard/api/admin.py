"""The admins' page for Open311 client keys: issue (the key is shown once) and revoke."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from tipboard.api import bp, clients
from tipboard.flow import refuse
from tipboard.forms import Form, strip_text
from tipboard.permissions import ADMINS, roles_required

NEW_KEY = "new_api_key"  # session key: the key just issued, shown once


class ClientForm(Form):
    name = StringField(
        _l("Who will use the key (e.g. the 12345 hotline)"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=100)],
    )


class RevokeForm(Form):
    pass


@bp.route("/open311/clients", methods=["GET", "POST"])
@roles_required(*ADMINS)
def clients_page():
    form = ClientForm()
    if form.validate_on_submit():
        client, key = clients.issue_client(form.name.data, current_user)
        session[NEW_KEY] = {"id": client.id, "key": key}
        return redirect(url_for("api.clients_page"))
    new_key = session.pop(NEW_KEY, None)
    response = current_app.make_response(
        (
            render_template(
                "api/clients.html",
                form=form,
                clients=clients.all_clients(),
                new_key=new_key,
                revoke_form=RevokeForm(),
            ),
            400 if form.errors else 200,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/open311/clients/<int:client_id>/revoke")
@roles_required(*ADMINS)
def revoke_client(client_id: int):
    if not RevokeForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    elif clients.revoke_client(client_id):
        flash(_("The key is revoked: the client can no longer post."), "success")
    else:
        refuse(_("That key was already revoked."))
    return redirect(url_for("api.clients_page"))
