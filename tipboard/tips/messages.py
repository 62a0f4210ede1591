"""The reporter-facing texts for refusals raised by the tip services and the photo intake."""

from flask_babel import lazy_gettext as _l

PHOTO_ERRORS = {
    "empty": _l("One of the photos is empty."),
    "too_large": _l("A photo is larger than the limit of %(mb)s MB."),
    "not_an_image": _l("Only photos (JPEG, PNG, WebP or HEIC) can be attached."),
    "too_many_pixels": _l(
        "A photo has too many pixels to be processed (at most %(mp)s megapixels). Please send a smaller copy."
    ),
    "broken": _l("A photo could not be read; it may be damaged."),
    "too_many": _l("At most %(n)s photos can be attached."),
}

TIP_ERRORS = {
    "bad_category": _l("Please choose what the tip is about."),
    "empty_description": _l("Please describe what you saw."),
    "named_needs_account": _l("Sign in to send a tip with your name, or choose to stay anonymous."),
    "empty_message": _l("The message is empty."),
    "not_open": _l("That report is already closed."),
    "already_me_too": _l("You have already added yourself to that report."),
    "outside_area": _l("That place is outside the area this station covers. Please check the location."),
    "no_location": _l("Please say where: use your location, pick a point on the map, or type an address."),
    "try_again": _l("The tip could not be stored just now. Nothing was sent: please send it again."),
    "bad_answers": _l("Some of the questions about this category need an answer."),
}

QUESTION_ERRORS = {
    "answer_required": _l("Please answer this question."),
    "answer_not_number": _l("Please give a number."),
    "answer_bad_choice": _l("Please pick one of the choices offered."),
    "answer_too_long": _l("That answer is too long."),
    "needs_choices": _l("A question with choices needs at least one choice line (key|English|Chinese)."),
    "code_taken": _l("This category already has a question with that code."),
}
