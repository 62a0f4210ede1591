"""The texts of the dispute services' refusals and of the messages they send (tipboard.outbox)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tipboard.disputes.models import Side
from tipboard.outbox import register_message

ERRORS = {
    "empty": _l("Please describe what happened and what you would like."),
    "bad_kind": _l("Please choose what the dispute is about."),
    "needs_name": _l("Please give the applicant's name."),
    "bad_member": _l("That person cannot work on this case."),
    "no_lead": _l("Please choose a lead mediator."),
    "file_too_large": _l("A file may be at most %(mb)s MB."),
    "not_a_file": _l("Only photos (JPEG, PNG, WebP, HEIC) and PDF files can be added."),
    "too_many_files": _l("A case may hold at most %(n)s files."),
    "room_closed": _l("The mediation room is not open for this case."),
    "no_agreement": _l("There is no agreement to confirm."),
    "already_signed": _l("This party has already confirmed the agreement."),
    "no_account": _l(
        "Online confirmation needs an account or a phone number to send the code to; sign on paper instead."
    ),
    "bad_code": _l("That code is wrong, used or expired. Ask for a new one."),
    "name_mismatch": _l("Please type your name as it appears in the agreement."),
    "no_obligation": _l("Add at least one obligation with its due date."),
    "not_asked": _l("There is no follow-up question waiting for you."),
    "bad_invitation": _l("That case code and invitation code do not match an invitation."),
    "bad_session": _l("Choose a future day, a whole hour and one to four hours."),
    "room_taken": _l("The mediation room is already booked then. Choose another time or meet online."),
}

register_message(
    "disputes.received",
    _l("Your mediation application was received"),
    _l("Your application %(code)s was received. The station will look at it and tell you the next step."),
)
register_message(
    "disputes.accepted",
    _l("Your case was accepted for mediation"),
    _l("Case %(code)s was accepted. The other side is now asked whether they agree to mediation."),
)
register_message(
    "disputes.referred",
    _l("Your case was referred"),
    _l("Case %(code)s is better handled elsewhere: %(reason)s"),
)
register_message(
    "disputes.declined",
    _l("Your case could not be taken"),
    _l("Case %(code)s could not be taken for mediation: %(reason)s"),
)
register_message(
    "disputes.invited",
    _l("You are invited to a mediation"),
    _l(
        "%(station)s invites you to settle a dispute by mediation (case %(code)s). Mediation is "
        "voluntary and confidential. Sign in and open %(link)s to agree or decline."
    ),
)
register_message(
    "disputes.invited_by_phone",
    _l("You are invited to a mediation"),
    _l(
        "%(station)s invites you to settle a dispute by mediation. Mediation is voluntary and "
        "confidential. Open %(link)s and enter case code %(code)s and invitation code %(secret)s to "
        "agree or decline."
    ),
    channels=("sms",),
)
register_message(
    "disputes.other_declined",
    _l("The other side did not agree to mediation"),
    _l(
        "The other side of case %(code)s did not agree to mediation, so it is closed. You may still "
        "apply to the people's court, to arbitration or to the competent bureau; the station can "
        "tell you where, and a lawyer on the station's lawyer day can advise you free of charge."
    ),
)
register_message(
    "disputes.assigned",
    _l("A mediation case was assigned to you"),
    _l("You were added to case %(code)s as %(role)s: %(link)s"),
)
register_message(
    "disputes.mediation_open",
    _l("Mediation has started"),
    _l("Both sides agreed: the mediation room of case %(code)s is open: %(link)s"),
)
register_message(
    "disputes.agreement",
    _l("An agreement is ready for you"),
    _l("The mediation agreement of case %(code)s is ready. Please read and confirm it: %(link)s"),
)
register_message(
    "disputes.sign_code",
    _l("Your confirmation code"),
    _l(
        "Your code to confirm the agreement of case %(code)s is %(sign_code)s. It is valid for %(minutes)s minutes."
    ),
)
register_message(
    "disputes.settled",
    _l("The agreement was confirmed"),
    _l(
        "Every party confirmed the agreement of case %(code)s. You may apply together to the "
        "people's court for judicial confirmation within 30 days (until %(until)s); a confirmed "
        "agreement can be enforced by the court."
    ),
)
register_message(
    "disputes.judicial_reminder",
    _l("Judicial confirmation: the 30 days end soon"),
    _l(
        "Reminder: the parties of case %(code)s may apply to the people's court for judicial "
        "confirmation of their agreement until %(until)s."
    ),
)
register_message(
    "disputes.followup",
    _l("How is it going?"),
    _l(
        "It has been %(day)s days since the agreement of case %(code)s. Was it carried out, and did "
        "the dispute come back? Please answer: %(link)s"
    ),
)
register_message(
    "disputes.came_back",
    _l("A settled dispute came back"),
    _l("A party of case %(code)s says the dispute came back; the case is open again: %(link)s"),
)
register_message(
    "disputes.session_reminder",
    _l("Mediation session tomorrow"),
    _l("Reminder: the mediation session of case %(code)s is at %(when)s: %(link)s"),
)


def invitation_note(case, code: str) -> str:
    """What staff read after inviting an other side without an account: the invitation code, shown
    only now, and whether a text message took it to them."""
    if case.party(Side.OTHER).phone:
        return _(
            "The invitation was sent to the other side's phone by text message. To hand it over in "
            "person: case code %(case)s, invitation code %(code)s (shown only now).",
            case=case.code,
            code=code,
        )
    return _(
        "Give the other side case code %(case)s and invitation code %(code)s (shown only now).",
        case=case.code,
        code=code,
    )
