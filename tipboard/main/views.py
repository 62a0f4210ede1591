from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from tipboard import caching
from tipboard.auth.services import choose_language
from tipboard.auth.views import safe_next
from tipboard.extensions import db
from tipboard.main import bp
from tipboard.outbox import inbox as inbox_messages
from tipboard.outbox import mark_all_read
from tipboard.permissions import login_required, public


@bp.get("/")
@public
def index():
    return render_template("main/index.html")


@bp.post("/lang")
@public
def set_language():
    """The language switch on every page: remembered in a cookie, and on the account if signed in."""
    lang = choose_language(current_user if current_user.is_authenticated else None, request.form.get("lang"))
    if lang:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.get("/inbox")
@login_required
def inbox():
    messages = inbox_messages(current_user)
    rendered = [(m, *m.render()) for m in messages]
    response = current_app.make_response(render_template("main/inbox.html", messages=rendered))
    return response


@bp.post("/inbox/read")
@login_required
def mark_read():
    mark_all_read(current_user)
    return redirect(url_for("main.inbox"))


@bp.get("/healthz")
@public
def healthz():
    """200 "ok"; 200 "degraded" while a failed Redis is skipped (pages are served, from the
    database, so a load balancer should keep this worker); a database that fails answers 500."""
    db.session.execute(sa.text("SELECT 1"))
    if caching.redis_skipped():
        return jsonify(status="degraded", cache="skipped")
    return jsonify(status="ok")
