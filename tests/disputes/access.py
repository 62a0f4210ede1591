from tipboard.permissions import STAFF, Role

C = {"code": "ZZZZ-ZZZZ"}
F = {"code": "ZZZZ-ZZZZ", "file_id": 999999}

# A case page and its actions need a party's access (code + secret in the session, or the account)
# or a place on the case (member, supervisor): per-object rules, tested in tests/disputes. Without
# it they answer 404 alike for an unknown case and one the request may not see.
ACCESS = {
    "disputes.new": {"roles": "public"},
    "disputes.receipt": {"roles": "public"},
    "disputes.follow": {"roles": "public"},
    "disputes.mine": {"roles": "login"},
    "disputes.figures": {"roles": STAFF},
    "disputes.figures_csv": {"roles": STAFF},
    "disputes.case": {"roles": "public", "params": C, "object": True},
    "disputes.message": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.upload": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.file": {"roles": "public", "params": F, "object": True},
    "disputes.share": {"roles": "public", "method": "POST", "params": F, "object": True},
    "disputes.consent": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.invite": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.draft": {"roles": "public", "params": C, "object": True},
    "disputes.send_code": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.confirm": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.paper": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.agreement_pdf": {"roles": "public", "params": C, "object": True},
    "disputes.answer_followup": {"roles": "public", "method": "POST", "params": C, "object": True},
    "disputes.end": {"roles": "public", "method": "POST", "params": C, "object": True},
}
ACCESS["disputes.from_tip"] = {"roles": "public", "method": "POST", "params": C, "object": True}
ACCESS["disputes.schedule"] = {"roles": "public", "method": "POST", "params": C, "object": True}
ACCESS["disputes.session_ics"] = {
    "roles": "public",
    "params": {"code": "ZZZZ-ZZZZ", "session_id": 999999},
    "object": True,
}
ACCESS["disputes.calendar"] = {"roles": (*STAFF, Role.MEDIATOR, Role.LAWYER, Role.PARTNER)}
ACCESS["disputes.screening"] = {"roles": (*STAFF, Role.GRIDWORKER)}
