from tipboard.permissions import Role

LAWYER_DESK = (Role.LAWYER, Role.SUPERVISOR, Role.ADMIN)
LAWYERS_AND_STAFF = (Role.LAWYER, Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
STAFF = (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
CODE = {"code": "ZZZZ-ZZZZ"}
BOOKING = {"code": "no-such-booking"}

ACCESS = {
    "legal.index": {"roles": "public"},
    "legal.ask": {"roles": "public"},
    "legal.receipt": {"roles": "public"},
    "legal.track": {"roles": "public"},
    # The asker's pages need the code+secret in the session or the asking account (per-object,
    # tested in tests/legal/test_questions.py); without it: the code form, or 403 for the actions.
    "legal.asked": {"roles": "public", "params": CODE, "object": True},
    "legal.follow_up": {"roles": "public", "method": "POST", "params": CODE, "object": True},
    "legal.rate": {"roles": "public", "method": "POST", "params": CODE, "object": True},
    "legal.consent_mediation": {"roles": "public", "method": "POST", "params": CODE, "object": True},
    "legal.faq_consent": {"roles": "public", "method": "POST", "params": CODE, "object": True},
    "legal.photo": {"roles": "public", "params": {"name": "none.jpg"}, "object": True},
    "legal.mine": {"roles": "login"},
    "legal.desk": {"roles": LAWYER_DESK},
    "legal.question": {"roles": LAWYER_DESK, "params": {"question_id": 999999}, "object": True},
    "legal.take": {
        "roles": (Role.LAWYER,),
        "method": "POST",
        "params": {"question_id": 999999},
        "object": True,
    },
    "legal.reply": {
        "roles": (Role.LAWYER,),
        "method": "POST",
        "params": {"question_id": 999999},
        "object": True,
    },
    "legal.suggest": {
        "roles": (Role.LAWYER,),
        "method": "POST",
        "params": {"question_id": 999999, "what": "mediation"},
        "object": True,
    },
    "legal.propose_faq": {"roles": (Role.LAWYER,), "params": {"question_id": 999999}, "object": True},
    "legal.faq_list": {"roles": "public"},
    "legal.faq_entry": {"roles": "public", "params": {"entry_id": 999999}, "object": True},
    "legal.faq_review": {"roles": STAFF},
    "legal.faq_publish": {"roles": STAFF, "params": {"entry_id": 999999}, "object": True},
    "legal.office_hours_list": {"roles": "public"},
    "legal.book": {"roles": "login", "method": "POST", "params": {"slot_id": 999999}, "object": True},
    "legal.walk_in": {"roles": STAFF, "params": {"slot_id": 999999}, "object": True},
    "legal.my_bookings": {"roles": "login"},
    "legal.booking": {"roles": "login", "params": BOOKING, "object": True},
    "legal.booking_ics": {"roles": "login", "params": BOOKING, "object": True},
    "legal.cancel": {"roles": "login", "method": "POST", "params": BOOKING, "object": True},
    "legal.move": {"roles": "login", "params": BOOKING, "object": True},
    "legal.manage_hours": {"roles": LAWYERS_AND_STAFF},
    "legal.consultations": {"roles": LAWYERS_AND_STAFF},
    "legal.outcome": {"roles": LAWYERS_AND_STAFF, "method": "POST", "params": BOOKING, "object": True},
    "legal.duty": {"roles": (Role.LAWYER,)},
    "legal.duty_remove": {"roles": (Role.LAWYER,), "method": "POST", "params": {"row_id": 999999}},
    "legal.day_off_remove": {"roles": (Role.LAWYER,), "method": "POST", "params": {"row_id": 999999}},
    "legal.rota_page": {"roles": LAWYERS_AND_STAFF},
    "legal.figures_page": {"roles": SUPERVISORS},
    "legal.figures_csv": {"roles": SUPERVISORS},
}
