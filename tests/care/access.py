STAFF = ("staff", "supervisor", "admin")
CARERS = STAFF + ("volunteer", "leader", "gridworker", "building_lead", "partner", "mediator")

ACCESS = {
    "care.index": {"roles": CARERS},
    "care.new": {"roles": STAFF},
    "care.person": {"roles": CARERS, "params": {"person_id": 999999}, "object": True},
    "care.visit": {"roles": CARERS, "method": "POST", "params": {"person_id": 999999}, "object": True},
    "care.plan": {"roles": STAFF, "method": "POST", "params": {"person_id": 999999}, "object": True},
    "care.add_visitor": {"roles": STAFF, "method": "POST", "params": {"person_id": 999999}, "object": True},
    "care.ledger": {"roles": STAFF},
    "care.ledger_pdf": {"roles": STAFF},
}
