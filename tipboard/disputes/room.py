"""The case page and the mediation room: threads, evidence, consent, agreement, follow-up.

Every route finds the case through :func:`access.case_for` (404 for an unknown case and for one
the request may not see, the same answer); the station's actions through
:func:`access.mediator_case` (403 for a party).
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from tipboard.disputes import agreement as agreements
from tipboard.disputes import bp, followup, intake, services
from tipboard.disputes import sessions as meetings
from tipboard.disputes.access import Viewer, case_for, mediator_case
from tipboard.disputes.forms import (
    AgreementForm,
    ConfirmForm,
    ConsentForm,
    EmptyForm,
    FileForm,
    FollowUpForm,
    MessageForm,
    PaperForm,
    ReasonForm,
    ScheduleForm,
)
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.messages import invitation_note
from tipboard.disputes.models import CaseFile, CaseStatus, DisputeCase, Side, Thread
from tipboard.disputes.views import error_text
from tipboard.disputes.workflow import ROOM_OPEN, IllegalTransition
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.permissions import public


def _back(case: DisputeCase, anchor: str = ""):
    return redirect(url_for("disputes.case", code=case.code) + anchor)


def _refuse(exc: Exception) -> None:
    refuse(exc.message if isinstance(exc, IllegalTransition) else error_text(exc))


@bp.get("/case/<code>")
@public
def case(code: str):
    case, viewer = case_for(code)
    party = viewer.party
    agreement = agreements.agreement_of(case)
    paper = PaperForm(prefix="paper")
    paper.party.choices = [(p.id, p.name) for p in case.parties]
    response = current_app.make_response(
        render_template(
            "disputes/case.html",
            case=case,
            viewer=viewer,
            party=party,
            threads=services.messages_for(case, party=party if not viewer.mediates else None),
            files=services.files_for(case, party=party if not viewer.mediates else None),
            agreement=agreement,
            signature=agreement.signature_of(party) if agreement and party else None,
            question=followup.open_question(case, party) if party else None,
            judicial_until=agreements.judicial_deadline(case) if case.settled_at else None,
            room_open=case.status_enum in ROOM_OPEN,
            message_form=MessageForm(),
            file_form=FileForm(),
            consent_form=ConsentForm(),
            confirm_form=ConfirmForm(),
            followup_form=FollowUpForm(),
            reason_form=ReasonForm(),
            empty_form=EmptyForm(),
            paper_form=paper,
            schedule_form=ScheduleForm(),
            meetings=meetings.sessions_of(case),
            Side=Side,
            Thread=Thread,
            CaseStatus=CaseStatus,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _thread_target(case: DisputeCase, viewer: Viewer, form: MessageForm):
    try:
        thread = Thread(form.thread.data)
    except ValueError:
        abort(400)
    to_party = None
    if thread == Thread.CAUCUS and viewer.mediates:
        to_party = next((p for p in case.parties if p.id == form.party.data), None)
        if to_party is None:
            abort(400)
    if thread == Thread.RECORD and not viewer.mediates:
        abort(403)
    return thread, to_party


@bp.post("/case/<code>/message")
@public
def message(code: str):
    case, viewer = case_for(code, "write")
    form = MessageForm()
    if not form.validate_on_submit():
        flash(_("The message is empty or too long."), "error")
        return _back(case)
    thread, to_party = _thread_target(case, viewer, form)
    try:
        services.add_message(
            case,
            thread,
            form.body.data,
            party=viewer.party,
            user=current_user if viewer.mediates else None,
            to_party=to_party,
        )
    except DisputeError as exc:
        _refuse(exc)
    else:
        flash(_("Your message was added."), "success")
    return _back(case, f"#{thread.value}")


@bp.post("/case/<code>/evidence")
@public
def upload(code: str):
    case, viewer = case_for(code, "upload")
    form = FileForm()
    if not form.validate_on_submit() or case.status_enum not in ROOM_OPEN | {
        CaseStatus.RECEIVED,
        CaseStatus.ACCEPTED,
    }:
        flash(_("Choose a photo or PDF file to add."), "error")
        return _back(case)
    file = form.file.data
    try:
        intake.add_file(
            case,
            file.filename or "",
            file.read(),
            party=viewer.party,
            user=current_user if viewer.mediates else None,
        )
    except DisputeError as exc:
        _refuse(exc)
    else:
        flash(_("The file was added."), "success")
    return _back(case, "#evidence")


@bp.get("/case/<code>/file/<int:file_id>")
@public
def file(code: str, file_id: int):
    case, viewer = case_for(code, "download")
    row = db.session.get(CaseFile, file_id)
    visible = services.files_for(case, party=viewer.party if not viewer.mediates else None)
    if row is None or row not in visible:
        abort(404)
    mimetype = "application/pdf" if row.media == "pdf" else "image/jpeg"
    response = send_from_directory(Path(intake.file_dir()), row.file_name, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=evidence-{row.id}{Path(row.file_name).suffix}"
    )
    return response


@bp.post("/case/<code>/file/<int:file_id>/share")
@public
def share(code: str, file_id: int):
    case, _viewer = mediator_case(code, "share")
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            services.share_file(case, file_id, request.form.get("shared") == "1", current_user)
        except DisputeError as exc:
            _refuse(exc)
    return _back(case, "#evidence")


@bp.post("/case/<code>/consent")
@public
def consent(code: str):
    """The other side answers the invitation; a mediator records an answer given in person."""
    case, viewer = case_for(code, "record consent")
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Please choose an answer."), "error")
        return _back(case)
    other = case.party(Side.OTHER)
    if viewer.party is not None and viewer.party is not other:
        abort(403)
    try:
        services.answer_invitation(
            case, other, form.agree.data == "yes", recorded_by=current_user if viewer.mediates else None
        )
    except (DisputeError, IllegalTransition) as exc:
        _refuse(exc)
    else:
        flash(_("Thank you, your answer was recorded."), "success")
    return _back(case)


@bp.post("/case/<code>/invite")
@public
def invite(code: str):
    case, _viewer = mediator_case(code, "invite")
    if EmptyForm().validate_on_submit() and case.status == CaseStatus.ACCEPTED.value:
        invitation = services.invite(case, current_user)
        if invitation:
            flash(invitation_note(case, invitation), "success")
        else:
            flash(_("The invitation was sent to the other side's account."), "success")
    return _back(case)


@bp.route("/case/<code>/agreement", methods=["GET", "POST"])
@public
def draft(code: str):
    case, _viewer = mediator_case(code, "draft")
    form = AgreementForm()
    if request.method == "GET":
        existing = agreements.agreement_of(case)
        if existing is not None:
            form.facts.data, form.matters.data = existing.facts, existing.matters
            form.terms.data, form.performance.data = existing.terms, existing.performance
        else:
            form.facts.data = case.facts
    if form.validate_on_submit():
        rows = [
            (o.side.data, o.text.data, o.due_on.data)
            for o in form.obligations
            if o.text.data and o.due_on.data
        ]
        try:
            agreements.draft(
                case,
                agreements.Draft(
                    form.facts.data, form.matters.data, form.terms.data, form.performance.data, rows
                ),
                current_user,
            )
        except (DisputeError, IllegalTransition) as exc:
            _refuse(exc)
            return render_template("disputes/agreement_form.html", case=case, form=form), 400
        flash(_("The agreement was put to the parties."), "success")
        return _back(case, "#agreement")
    return render_template("disputes/agreement_form.html", case=case, form=form), 400 if form.errors else 200


@bp.post("/case/<code>/agreement/code")
@public
def send_code(code: str):
    case, viewer = case_for(code, "code")
    if viewer.party is None:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            agreements.send_code(case, viewer.party)
        except DisputeError as exc:
            _refuse(exc)
        else:
            flash(_("A one-time code was sent to you."), "success")
    return _back(case, "#agreement")


@bp.post("/case/<code>/agreement/confirm")
@public
def confirm(code: str):
    case, viewer = case_for(code, "confirm")
    if viewer.party is None:
        abort(403)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Type your name and the code."), "error")
        return _back(case, "#agreement")
    try:
        settled = agreements.confirm_online(case, viewer.party, form.typed_name.data, form.code.data)
    except (DisputeError, IllegalTransition) as exc:
        _refuse(exc)
    else:
        flash(_("The agreement is settled.") if settled else _("Your confirmation was recorded."), "success")
    return _back(case, "#agreement")


@bp.post("/case/<code>/agreement/paper")
@public
def paper(code: str):
    case, _viewer = mediator_case(code, "paper")
    form = PaperForm(prefix="paper")
    party = next((p for p in case.parties if p.id == form.party.data), None)
    if not form.validate_on_submit() or party is None:
        flash(_("Choose the party and the scan of the signed page."), "error")
        return _back(case, "#agreement")
    try:
        scan = intake.add_file(
            case, form.scan.data.filename or "", form.scan.data.read(), user=current_user, purpose="scan"
        )
        agreements.confirm_on_paper(case, party, scan.id, current_user)
    except (DisputeError, IllegalTransition) as exc:
        _refuse(exc)
    else:
        flash(_("The paper signature was recorded."), "success")
    return _back(case, "#agreement")


@bp.get("/case/<code>/agreement.pdf")
@public
def agreement_pdf(code: str):
    case, _viewer = case_for(code, "download agreement")
    agreement = agreements.agreement_of(case) or abort(404)
    locale = "en" if request.args.get("lang") == "en" else "zh_Hans"
    response = Response(agreements.agreement_pdf(case, agreement, locale), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=agreement-{case.code}.pdf"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/case/<code>/followup")
@public
def answer_followup(code: str):
    case, viewer = case_for(code, "followup")
    if viewer.party is None:
        abort(403)
    form = FollowUpForm()
    if not form.validate_on_submit():
        flash(_("Please answer both questions."), "error")
        return _back(case)
    try:
        followup.answer(case, viewer.party, form.carried_out.data == "yes", form.came_back.data == "yes")
    except DisputeError as exc:
        _refuse(exc)
    else:
        flash(_("Thank you for your answer."), "success")
    return _back(case)


@bp.post("/case/<code>/end")
@public
def end(code: str):
    case, _viewer = mediator_case(code, "end")
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give the reason."), "error")
        return _back(case)
    try:
        services.end_without_agreement(case, form.reason.data, current_user)
    except IllegalTransition as exc:
        _refuse(exc)
    return _back(case)
