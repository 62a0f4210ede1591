"""The refusals of the legal services and the messages people read for them."""

from flask_babel import lazy_gettext as _l

from tipboard.errors import Refusal


class LegalError(Refusal):
    """A refusal of a legal service (messages: :data:`LEGAL_ERRORS`)."""


LEGAL_ERRORS = {
    "empty": _l("Please write something."),
    "bad_topic": _l("Please choose a topic."),
    "not_on_it": _l("You are not one of the lawyers on this question."),
    "not_a_lawyer": _l("Only a lawyer of a partner law firm can do this."),
    "cannot_take": _l("This question already has a lawyer on it."),
    "closed": _l("This question is closed."),
    "not_answered": _l("You can rate the answer once there is one."),
    "no_suggestion": _l("No lawyer suggested mediation for this question."),
    "already": _l("That was already done."),
    "bad_hours": _l("The hours must run from an earlier hour to a later one on the same day."),
    "full": _l("Sorry, this sitting is fully booked."),
    "past": _l("This sitting has already begun."),
    "already_booked": _l("You already have a place at this sitting."),
    "not_live": _l("This booking is no longer active."),
    "same_slot": _l("Choose a different sitting."),
    "faq_state": _l("This FAQ entry is not waiting for that step."),
    "walk_in_name": _l("Please give the visitor's name."),
    "try_again": _l("Something went wrong while saving. Please send it again."),
}
