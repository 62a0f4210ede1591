"""The public FAQ made from answered questions, and the station's check before publishing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.legal import bp, faq
from tipboard.legal.errors import LEGAL_ERRORS, LegalError
from tipboard.legal.forms import ConfirmForm
from tipboard.legal.models import TOPICS, FaqEntry, FaqStatus
from tipboard.permissions import STAFF, public, roles_required


def _error(exc: LegalError) -> str:
    return str(LEGAL_ERRORS[exc.code])


# --- the public FAQ and the station's check --------------------------------------------------------


@bp.get("/faq")
@public
def faq_list():
    words = request.args.get("q", "")[:100]
    topic = request.args.get("topic", "")
    topic = topic if topic in TOPICS else None
    return render_template(
        "legal/faq.html", entries=faq.search(words, topic), words=words, topic=topic, locale=str(get_locale())
    )


@bp.get("/faq/<int:entry_id>")
@public
def faq_entry(entry_id: int):
    entry = faq.published(entry_id)
    if entry is None:
        abort(404)
    return render_template("legal/faq_entry.html", entry=entry, locale=str(get_locale()))


@bp.get("/faq/review")
@roles_required(*STAFF)
def faq_review():
    return render_template("legal/faq_review.html", entries=faq.waiting_for_check())


@bp.route("/faq/<int:entry_id>/publish", methods=["GET", "POST"])
@roles_required(*STAFF)
def faq_publish(entry_id: int):
    entry = db.session.get(FaqEntry, entry_id)
    if entry is None or entry.status != FaqStatus.CONSENTED.value:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            faq.publish(entry, current_user)
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("The entry is published."), "success")
            return redirect(url_for("legal.faq_review"))
    return render_template("legal/faq_publish.html", form=form, entry=entry)
