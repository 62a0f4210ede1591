from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from tipboard.events import tip_origin, tip_origin_described
from tipboard.extensions import db, limiter
from tipboard.flow import keep, refuse
from tipboard.geo import in_station_area
from tipboard.ids import db_id
from tipboard.links import external_url
from tipboard.permissions import login_required, public
from tipboard.qr import qr_svg
from tipboard.ratelimit import browser_key, limit
from tipboard.timezones import from_local
from tipboard.tips import bp, services
from tipboard.tips.access import acts_as_reporter, grant_tracking, reporter_tip, tip_for_reporter
from tipboard.tips.followup import FollowUpError, FollowUpForm, answer_followup
from tipboard.tips.forms import MessageForm, MeTooForm, TipForm, TrackForm
from tipboard.tips.messages import PHOTO_ERRORS, QUESTION_ERRORS, TIP_ERRORS
from tipboard.tips.models import Tip, TipPhoto, TipStatus
from tipboard.tips.panels import tracking_panels
from tipboard.tips.photos import PhotoError
from tipboard.tips.questions import check_answers, questions_for

log = logging.getLogger("tipboard.tips")
# Tries at storing a tip whose freshly drawn tracking code another tip already has.
CODE_ATTEMPTS = 3


def _photo_message(code: str) -> str:
    cfg = current_app.config
    return str(PHOTO_ERRORS[code]) % {
        "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
        "n": cfg["MAX_PHOTOS"],
        "mp": cfg["MAX_DECODE_PIXELS"] // 1_000_000,
    }


def _uploaded_files() -> list[tuple[str, bytes]]:
    # A file input left empty sends no file name; a named file with no bytes is refused as empty.
    return [(f.filename or "", f.read()) for f in request.files.getlist("photos") if f and f.filename]


@bp.route("/new", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_TIP_SUBMIT"), methods=["POST"], key_func=browser_key)
@limiter.limit(limit("RATE_TIP_SUBMIT_ADDRESS"), methods=["POST"])
def new():
    form = TipForm()
    categories = services.active_categories()
    form.category.choices = [(c.id, c.name) for c in categories]
    if request.method == "GET":
        _prefill(form)
        if not current_user.is_authenticated:
            form.anonymous.data = True
    nearby: list = []
    offered = {c.id for c in categories}
    asked = questions_for(form.category.data if form.category.data in offered else None)
    answers = {q.code: request.form.getlist(f"q-{q.code}") for q in asked}
    question_errors: dict = {}
    shown = str(form.category.data) if form.category.data in offered else ""
    if (
        request.method == "POST"
        and request.form.get("show_questions")
        and request.form.get("questions_of") != shown
    ):
        # "Continue": the resident chose a category; show its questions, send nothing yet. (Once
        # they are shown it sends: Enter in a field presses the form's first button, this one.)
        _accept_photos(form)
        keep()
        return _render_form(form, categories, nearby, asked, answers, question_errors), 200
    if request.method == "POST":
        valid = form.validate_on_submit()  # (validation resets field errors, so it goes first)
        replayed = services.replay_submission(form.submission_key.data) if valid else None
        if replayed is not None:  # sent before (queued offline, or the answer was lost): one tip
            return _show_receipt(replayed)
        question_errors = {
            code: str(QUESTION_ERRORS[why]) for code, why in check_answers(asked, answers)[1].items()
        }
        if _accept_photos(form) and valid and not question_errors:
            response, nearby = _try_submit(form, answers)
            if response is not None:
                return response
        # The form goes back for correction; the photos it accepted stay pending under its upload
        # token, so the resident never sends them again. Nothing else was written (_submit's savepoint).
        keep()
    status = 400 if form.errors or question_errors else 200
    return _render_form(form, categories, nearby, asked, answers, question_errors), status


def _render_form(form, categories, nearby, asked, answers, question_errors) -> str:
    return render_template(
        "tips/new.html",
        form=form,
        categories=categories,
        nearby=nearby,
        pending=services.pending_uploads(form.upload_token.data),
        origin_note=_origin_note(form.origin.data),
        me_too_form=MeTooForm(),
        questions=asked,
        answers=answers,
        question_errors=question_errors,
    )


def _origin_note(token: str | None):
    """Where an origin token comes from says so on the form (e.g. "a duty record of your patrol").
    Only its issuer can tell, and only for the signed-in user it was issued to."""
    if not token or not current_user.is_authenticated:
        return None
    notes = [note for _receiver, note in tip_origin_described.send(token, user=current_user) if note]
    return notes[0] if notes else None


def _prefill(form: TipForm) -> None:
    """Fields passed in the query string (the patrol log's "report a hazard" fills place and time)."""
    for name in ("address", "description"):
        if request.args.get(name):
            getattr(form, name).data = request.args[name][:200]
    for name, convert in (("lat", float), ("lon", float), ("category", db_id)):
        value = request.args.get(name, type=convert)
        if value is not None:
            getattr(form, name).data = value
    if request.args.get("origin"):
        form.origin.data = request.args["origin"][:300]
    try:
        form.seen_at.data = dt.datetime.strptime(request.args.get("seen_at", ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        pass


def _accept_photos(form: TipForm) -> bool:
    """Take the uploaded photos first, whatever else is wrong with the form, and keep them pending
    under the form's upload token so a correction never asks for them again."""
    files = _uploaded_files()
    if not files:
        return True
    try:
        form.upload_token.data = services.accept_photos(
            files, form.upload_token.data or None, read_gps=bool(form.use_photo_location.data)
        )
    except PhotoError as exc:  # photos accepted before the bad one stay pending (new() keeps them)
        form.photos.errors = [*form.photos.errors, _photo_message(exc.code)]
        return False
    return True


def _try_submit(form: TipForm, answers: dict[str, list[str]]):
    """Returns (response, nearby). A response means the tip was stored."""
    place = services.locate(
        form.lat.data,
        form.lon.data,
        form.address.data,
        upload_token=form.upload_token.data or None,
        use_photo_location=bool(form.use_photo_location.data),
    )
    form.lat.data, form.lon.data = place.lat, place.lon  # a position read from a photo shows on the form
    if place.problem == "outside_area":
        form.lat.errors = [str(TIP_ERRORS["outside_area"])]
        return None, []
    if place.problem:
        form.address.errors = [str(TIP_ERRORS[place.problem])]
        return None, []
    lat, lon = place.lat, place.lon

    if lat is not None and not form.nearby_checked.data:
        nearby = services.nearby_open_tips(form.category.data, lat, lon)
        if nearby:
            form.nearby_checked.data = "1"
            return None, nearby

    on_record = _origin_note(form.origin.data) is not None  # e.g. reported on duty: never anonymous
    anonymous = not on_record and (bool(form.anonymous.data) or not current_user.is_authenticated)
    data = services.NewTip(
        category_id=form.category.data,
        description=form.description.data,
        anonymous=anonymous,
        seen_at=from_local(form.seen_at.data) if form.seen_at.data else None,
        lat=lat,
        lon=lon,
        address=place.address,
        grid_id=place.grid_id,
        contact_preference=form.contact_preference.data,
        locale=str(get_locale()),
        submission_key=form.submission_key.data or None,
        answers=answers,
    )
    try:
        receipt = _submit(
            data, reporter=None if anonymous else current_user, upload_token=form.upload_token.data or None
        )
    except services.TipError as exc:
        form.category.errors = [str(TIP_ERRORS[exc.code])]
        return None, []
    if on_record:
        tip_origin.send(receipt.tip, token=form.origin.data, user=current_user)
    return _show_receipt(receipt), []


def _show_receipt(receipt: services.Receipt):
    tip_id = receipt.tip.id  # flushed: the id is known; the request's end commits the tip
    session["receipt"] = {"code": receipt.code, "secret": receipt.secret}
    grant_tracking(tip_id)
    return redirect(url_for("tips.receipt"))


def _submit(data: services.NewTip, reporter, upload_token: str | None) -> services.Receipt:
    """submit_tip, drawn again with a new tracking code when the one drawn was already taken.
    Each try is a savepoint: a taken code or a refusal undoes the tip only, never the photos
    accepted as pending earlier in this request."""
    for attempt in range(1, CODE_ATTEMPTS + 1):
        try:
            with db.session.begin_nested():
                return services.submit_tip(data, reporter=reporter, upload_token=upload_token)
        except IntegrityError as exc:
            if services.key_was_taken(exc):  # the same report, stored by a concurrent request
                replayed = services.replay_submission(data.submission_key)
                if replayed is not None:
                    return replayed
            if not services.code_was_taken(exc):
                raise
            log.warning("tips.code_taken attempt=%s", attempt)
    raise services.TipError("try_again")


@bp.get("/receipt")
@public
def receipt():
    data = session.pop("receipt", None)
    if not data:
        return redirect(url_for("tips.track"))
    link = external_url("tips.track", code=data["code"]) + "#s=" + data["secret"]
    response = current_app.make_response(
        render_template("tips/receipt.html", code=data["code"], secret=data["secret"], qr=qr_svg(link))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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
        match = services.match_code(form.code.data, form.secret.data)
        if match is not None:
            tip_id, code = match
            grant_tracking(tip_id)
            return redirect(url_for("tips.tracked", code=code))
        form.secret.errors = [_("That code and secret do not match a tip.")]
    status = 400 if form.errors else 200
    my_tips = services.tips_of(current_user) if current_user.is_authenticated else []
    return render_template("tips/track.html", form=form, my_tips=my_tips), status


@bp.get("/track/<code>")
@public
def tracked(code: str):
    """The reporter's own report and conversation. Without access (another device, or a code that
    does not exist) the code-and-secret form with the code filled in, the same answer either way."""
    tip = reporter_tip(code)
    if tip is None:
        return _track_form_for(code)
    original = services.followed_tip(tip)
    response = current_app.make_response(
        render_template(
            "tips/tracked.html",
            tip=tip,
            events=tip.visible_events(staff=False),
            merged_into=original if original.id != tip.id else None,
            merged_events=services.public_progress(original) if original.id != tip.id else [],
            panels=tracking_panels(tip),
            form=MessageForm(),
            hide_staff=current_app.config["HIDE_STAFF_NAMES"],
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _track_form_for(code: str):
    form = TrackForm(formdata=None)
    form.code.data = code[:20]
    my_tips = services.tips_of(current_user) if current_user.is_authenticated else []
    response = current_app.make_response(render_template("tips/track.html", form=form, my_tips=my_tips))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/track/<code>/message")
@public
def message(code: str):
    tip = tip_for_reporter(code)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.add_reporter_message(tip, form.body.data)
        except services.TipError as exc:
            refuse(str(TIP_ERRORS[exc.code]))
        else:
            flash(_("Your message was sent to the station."), "success")
    else:
        flash(_("The message is empty or too long."), "error")
    return redirect(url_for("tips.tracked", code=tip.tracking_code))


@bp.get("/mine")
@login_required
def mine():
    return render_template("tips/mine.html", tips=services.tips_of(current_user))


@bp.get("/public")
@public
def public_list():
    category_id = request.args.get("category", type=db_id)
    before = request.args.get("before", type=db_id)

    tips = services.public_tips(category_id=category_id, before_id=before)
    next_before = tips[-1].id if len(tips) == services.PUBLIC_PAGE_SIZE else None
    return render_template(
        "tips/public.html",
        tips=tips,
        next_before=next_before,
        categories=services.active_categories(),
        category_id=category_id,
    )


@bp.get("/public.json")
@public
def public_json():
    """Published hazards for the map: rounded locations, no personal data."""
    category_id = request.args.get("category", type=db_id)

    tips = services.public_tips(category_id=category_id, limit=500, located_only=True, with_events=False)
    return jsonify(
        tips=[
            {
                "category": t.category.name,
                "status": str(t.status_enum.label),
                "lat": t.public_lat,
                "lon": t.public_lon,
                "date": t.created_at.date().isoformat(),
            }
            for t in tips
        ]
    )


@bp.get("/nearby")
@public
@limiter.limit(limit("RATE_NEARBY"), key_func=browser_key)
@limiter.limit(limit("RATE_NEARBY_ADDRESS"))
def nearby():
    """Published open tips near a point, for the form's live check (JS); the form checks again on
    submit. Tells no more about a tip than the public list does (services.nearby_open_tips)."""
    category_id = request.args.get("category", type=db_id)
    lat, lon = request.args.get("lat", type=float), request.args.get("lon", type=float)
    if category_id is None or lat is None or lon is None:
        return jsonify(error=_("category, lat and lon are required")), 400
    if not in_station_area(lat, lon):
        return jsonify(error=str(TIP_ERRORS["outside_area"])), 400
    found = services.nearby_open_tips(category_id, lat, lon)
    return render_template("tips/_nearby.html", nearby=found, me_too_form=MeTooForm())


@bp.post("/<int:tip_id>/me-too")
@public
@limiter.limit(limit("RATE_TIP_SUBMIT"), key_func=browser_key)
@limiter.limit(limit("RATE_TIP_SUBMIT_ADDRESS"))
def me_too(tip_id: int):
    tip = db.session.get(Tip, tip_id)
    if tip is None or not tip.is_public:  # only tips the nearby list can offer; nothing tells others apart
        abort(404)
    form = MeTooForm()
    if not form.validate_on_submit():
        flash(_("The comment is too long."), "error")
        return redirect(url_for("tips.new"))
    try:
        services.add_me_too(
            tip, form.comment.data, user=current_user if current_user.is_authenticated else None
        )
    except services.TipError as exc:
        refuse(str(TIP_ERRORS[exc.code]))
        return redirect(url_for("tips.new"))
    return render_template("tips/me_too_done.html", tip=tip)


@bp.get("/photo/<name>")
@public
def photo(name: str):
    record = db.session.scalar(
        sa.select(TipPhoto).where(sa.or_(TipPhoto.file_name == name, TipPhoto.thumb_name == name))
    )
    if record is None:
        abort(404)
    tip = record.tip
    if not (acts_as_reporter(tip) or tip.can_view(current_user)):
        abort(403)
    response = send_from_directory(current_app.config["PHOTO_DIR"], name, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/pending/<token>/<name>")
@public
def pending_photo(token: str, name: str):
    """A thumbnail of a photo accepted for a form not yet submitted (the token is the key)."""
    if not any(u.thumb_name == name for u in services.pending_uploads(token)):
        abort(404)
    response = send_from_directory(current_app.config["PHOTO_DIR"], name, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_filter("tip_status_label")
def tip_status_label(value: str) -> str:
    try:
        return TipStatus(value).label
    except ValueError:
        return value


@bp.post("/track/<code>/followup")
@public
def followup(code: str):
    """The reporter answers the follow-up visit (anonymous tipsters through their tracking access)."""
    tip = tip_for_reporter(code)
    form = FollowUpForm(prefix="followup")
    if not form.validate_on_submit():
        flash(_("Please say whether it is fixed and how satisfied you are."), "error")
        return redirect(url_for("tips.tracked", code=code))
    try:
        answer_followup(
            tip,
            fixed=form.fixed.data == "yes",
            satisfaction=int(form.satisfaction.data),
            comment=form.comment.data,
        )
    except FollowUpError:
        refuse(_("There is no open follow-up question on this report."))
        return redirect(url_for("tips.tracked", code=code))
    flash(
        _("Thank you. The station has your answer.")
        if form.fixed.data == "yes"
        else _("Thank you. The report is open again and back with the station."),
        "success",
    )
    return redirect(url_for("tips.tracked", code=code))
