"""Questions answered online, and the public FAQ made from them."""

from __future__ import annotations

import logging

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from tipboard.database import is_unique_violation
from tipboard.disputes.access import grant_party
from tipboard.documents import DocumentError, is_pdf
from tipboard.extensions import db, limiter
from tipboard.flow import refuse
from tipboard.legal import bp, faq, questions
from tipboard.legal.access import (
    acts_as_asker,
    asker_question,
    grant,
    question_for_asker,
    question_for_lawyer,
)
from tipboard.legal.errors import LEGAL_ERRORS, LegalError
from tipboard.legal.forms import (
    AskForm,
    ConfirmForm,
    ConsentForm,
    FaqProposalForm,
    MessageForm,
    RateForm,
    ReplyForm,
    TrackForm,
)
from tipboard.legal.models import FaqStatus, LegalQuestion
from tipboard.links import external_url
from tipboard.nav import register_nav
from tipboard.permissions import SUPERVISORS, Role, login_required, public, roles_required
from tipboard.qr import qr_svg
from tipboard.ratelimit import browser_key, limit
from tipboard.tips.messages import PHOTO_ERRORS
from tipboard.tips.photos import PhotoError

log = logging.getLogger("tipboard.legal")
CODE_ATTEMPTS = 3
LAWYER_DESK = (Role.LAWYER, *SUPERVISORS)

register_nav("legal.index", _l("Legal help"), order=40)
register_nav("legal.desk", _l("Legal desk"), roles=LAWYER_DESK, order=41)


def _error(exc: LegalError) -> str:
    return str(LEGAL_ERRORS[exc.code])


def _no_store(response):
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@public
def index():
    return render_template("legal/index.html")


# --- asking and following a question ----------------------------------------------------------


@bp.route("/ask", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_TIP_SUBMIT"), methods=["POST"], key_func=browser_key)
@limiter.limit(limit("RATE_TIP_SUBMIT_ADDRESS"), methods=["POST"])
def ask():
    form = AskForm()
    if form.validate_on_submit():
        photo = None
        upload = form.photo.data
        if upload and getattr(upload, "filename", ""):
            data = upload.read()
            try:
                photo = questions.store_document(data) if is_pdf(data) else questions.store_photo(data)
            except PhotoError as exc:
                form.photo.errors = [
                    str(PHOTO_ERRORS.get(exc.code, PHOTO_ERRORS["broken"])) % _photo_limits()
                ]
            except DocumentError:
                form.photo.errors = [
                    _(
                        "This PDF cannot be read (damaged, locked, too long or too large). Send a photo of the page."
                    )
                ]
        if not form.photo.errors:
            asker = current_user if current_user.is_authenticated else None
            try:
                receipt = _ask(form, asker, photo)
            except LegalError as exc:
                refuse(_error(exc))
            else:
                grant(receipt.question.id)
                session["legal_receipt"] = {"code": receipt.code, "secret": receipt.secret}
                return redirect(url_for("legal.receipt"))
    status = 400 if form.errors else 200
    return render_template("legal/ask.html", form=form), status


def _photo_limits() -> dict:
    cfg = current_app.config
    return {
        "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
        "n": 1,
        "mp": cfg["MAX_DECODE_PIXELS"] // 1_000_000,
    }


def _ask(form: AskForm, asker, photo) -> questions.Receipt:
    """questions.ask, drawn again with a new code when the one drawn was already taken."""
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            with db.session.begin_nested():
                return questions.ask(
                    form.topic.data, form.question.data, asker, photo=photo, locale=str(get_locale())
                )
        except IntegrityError as exc:
            if not is_unique_violation(exc, LegalQuestion.__tablename__, "tracking_code"):
                raise
            log.warning("legal.code_taken attempt=%s", attempt)
    raise LegalError("try_again")


@bp.get("/receipt")
@public
def receipt():
    data = session.pop("legal_receipt", None)
    if not data:
        return redirect(url_for("legal.track"))
    link = external_url("legal.track", code=data["code"])
    return _no_store(
        render_template("legal/receipt.html", code=data["code"], secret=data["secret"], qr=qr_svg(link))
    )


@bp.route("/track", methods=["GET", "POST"])
@public
@limiter.limit(
    limit("RATE_TRACK_LOOKUP"),
    methods=["POST"],
    key_func=browser_key,
    deduct_when=lambda r: r.status_code != 302,
)
@limiter.limit(
    limit("RATE_TRACK_LOOKUP_ADDRESS"), methods=["POST"], deduct_when=lambda r: r.status_code != 302
)
def track():
    form = TrackForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    if form.validate_on_submit():
        question_id = questions.match_code(form.code.data, form.secret.data)
        if question_id is not None:
            grant(question_id)
            return redirect(
                url_for("legal.asked", code=db.session.get(LegalQuestion, question_id).tracking_code)
            )
        form.secret.errors = [_("That code and secret do not match a question.")]
    mine = questions.questions_of(current_user) if current_user.is_authenticated else []
    return _no_store((render_template("legal/track.html", form=form, mine=mine), 400 if form.errors else 200))


@bp.get("/q/<code>")
@public
def asked(code: str):
    question = asker_question(code)
    if question is None:
        form = TrackForm(formdata=None)
        form.code.data = code[:20]
        return _no_store(render_template("legal/track.html", form=form, mine=[]))
    entry = faq.entry_of(question)
    return _no_store(
        render_template(
            "legal/asked.html",
            question=question,
            form=MessageForm(),
            rate_form=RateForm(formdata=None, stars=question.rating),
            confirm=ConfirmForm(),
            consent_form=ConsentForm(formdata=None),
            faq_entry=entry if entry is not None and entry.status == FaqStatus.PROPOSED.value else None,
        )
    )


@bp.post("/q/<code>/follow-up")
@public
def follow_up(code: str):
    question = question_for_asker(code)
    form = MessageForm()
    if not form.validate_on_submit():
        flash(_("The message is empty or too long."), "error")
    else:
        try:
            questions.follow_up(question, form.body.data)
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("Your message was sent to the lawyer."), "success")
    return redirect(url_for("legal.asked", code=question.tracking_code))


@bp.post("/q/<code>/rate")
@public
def rate(code: str):
    question = question_for_asker(code)
    form = RateForm()
    if not form.validate_on_submit():
        flash(_("Please choose a rating."), "error")
    else:
        try:
            questions.rate(question, form.stars.data)
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("Thank you for rating the answer."), "success")
    return redirect(url_for("legal.asked", code=question.tracking_code))


@bp.post("/q/<code>/mediation")
@public
def consent_mediation(code: str):
    question = question_for_asker(code)
    if ConfirmForm().validate_on_submit():
        try:
            opened = questions.consent_to_mediation(question)
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("Thank you. The station's mediators will contact you about your case."), "success")
            if opened:  # the new mediation case: its code (and an anonymous asker's secret) shown once
                receipt = opened[0]
                session["dispute_receipt"] = {"code": receipt.code, "secret": receipt.secret}
                if receipt.secret:
                    grant_party(receipt.case.parties[0].id)
                return redirect(url_for("disputes.receipt"))
    return redirect(url_for("legal.asked", code=question.tracking_code))


@bp.post("/q/<code>/faq")
@public
def faq_consent(code: str):
    question = question_for_asker(code)
    entry = faq.entry_of(question)
    form = ConsentForm()
    if entry is None:
        abort(404)
    if form.validate_on_submit():
        try:
            faq.answer_consent(entry, form.agree.data == "yes")
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("Thank you, your answer was recorded."), "success")
    return redirect(url_for("legal.asked", code=question.tracking_code))


@bp.get("/photo/<name>")
@public
def photo(name: str):
    question = db.session.scalar(
        db.select(LegalQuestion).where(
            db.or_(LegalQuestion.photo_name == name, LegalQuestion.thumb_name == name)
        )
    )
    if question is None:
        abort(404)
    if not (acts_as_asker(question) or question.can_view(current_user)):
        abort(403)
    if name.endswith(".pdf"):  # a document: downloaded, never shown inside the site
        response = send_from_directory(
            questions.legal_photo_dir(), name, mimetype="application/pdf", as_attachment=True, max_age=0
        )
    else:
        response = send_from_directory(questions.legal_photo_dir(), name, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/mine")
@login_required
def mine():
    return render_template("legal/mine.html", questions=questions.questions_of(current_user))


# --- the lawyers' desk ---------------------------------------------------------------------------


@bp.get("/desk")
@roles_required(*LAWYER_DESK)
def desk():
    mine_, takeable = questions.desk(current_user)
    return render_template("legal/desk.html", mine=mine_, takeable=takeable, confirm=ConfirmForm())


@bp.get("/questions/<int:question_id>")
@roles_required(*LAWYER_DESK)
def question(question_id: int):
    item = question_for_lawyer(question_id)
    return render_template(
        "legal/question.html",
        question=item,
        form=ReplyForm(formdata=None),
        confirm=ConfirmForm(),
        on_it=item.is_lawyer_on(current_user),
        faq_entry=faq.entry_of(item),
    )


@bp.post("/questions/<int:question_id>/take")
@roles_required(Role.LAWYER)
def take(question_id: int):
    item = db.session.get(LegalQuestion, question_id)
    if item is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        questions.take(item, current_user)
    except LegalError as exc:
        refuse(_error(exc))
        return redirect(url_for("legal.desk"))
    flash(_("The question is yours to answer."), "success")
    return redirect(url_for("legal.question", question_id=question_id))


@bp.post("/questions/<int:question_id>/reply")
@roles_required(Role.LAWYER)
def reply(question_id: int):
    item = question_for_lawyer(question_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(_("The message is empty or too long."), "error")
    else:
        try:
            questions.reply(item, current_user, form.body.data, ask_back=form.ask_back.data)
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("Your reply was sent."), "success")
    return redirect(url_for("legal.question", question_id=question_id))


@bp.post("/questions/<int:question_id>/suggest/<what>")
@roles_required(Role.LAWYER)
def suggest(question_id: int, what: str):
    item = question_for_lawyer(question_id)
    if what not in ("mediation", "visit") or not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if what == "mediation":
            questions.suggest_mediation(item, current_user)
        else:
            questions.suggest_visit(item, current_user)
    except LegalError as exc:
        refuse(_error(exc))
    else:
        flash(_("Your suggestion is shown to the asker."), "success")
    return redirect(url_for("legal.question", question_id=question_id))


@bp.route("/questions/<int:question_id>/faq", methods=["GET", "POST"])
@roles_required(Role.LAWYER)
def propose_faq(question_id: int):
    item = question_for_lawyer(question_id)
    entry = faq.entry_of(item)
    form = FaqProposalForm()
    if request.method == "GET":
        if entry is not None:
            form.process(formdata=None, obj=entry)
        else:
            form.question.data, form.answer.data = faq.draft_for(item)
    if form.validate_on_submit():
        try:
            faq.propose(
                item,
                current_user,
                form.question.data,
                form.answer.data,
                translated_question=form.question_translated.data,
                translated_answer=form.answer_translated.data,
            )
        except LegalError as exc:
            refuse(_error(exc))
        else:
            flash(_("The asker will see this text and decide whether it may be published."), "success")
            return redirect(url_for("legal.question", question_id=question_id))
    return render_template("legal/propose_faq.html", form=form, question=item), 400 if form.errors else 200
