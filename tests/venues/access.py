STAFF = ("staff", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
MANAGER = ("venue_manager",)

ACCESS = {
    "venues.index": {"roles": STAFF},
    "venues.edit": {"roles": STAFF},
    "venues.venue": {"roles": STAFF, "params": {"venue_id": 999999}, "object": True},
    "venues.inspect": {"roles": STAFF, "method": "POST", "params": {"venue_id": 999999}, "object": True},
    "venues.add_finding": {"roles": STAFF, "method": "POST", "params": {"venue_id": 999999}, "object": True},
    "venues.accept": {"roles": STAFF, "method": "POST", "params": {"finding_id": 999999}, "object": True},
    "venues.rules": {"roles": STAFF},
    "venues.rule": {"roles": SUPERVISORS},
    "venues.actions": {"roles": STAFF},
    "venues.take_action": {"roles": STAFF, "method": "POST", "params": {"action_id": 999999}, "object": True},
    "venues.bulletins": {"roles": STAFF},
    "venues.bulletin_csv": {"roles": STAFF, "params": {"month": "1999-01"}, "object": True},
    "venues.bulletin_pdf": {"roles": STAFF, "params": {"month": "1999-01"}, "object": True},
    "venues.mine": {"roles": MANAGER},
    "venues.proof": {"roles": MANAGER, "method": "POST", "params": {"finding_id": 999999}, "object": True},
    "venues.photo": {"roles": MANAGER + STAFF, "params": {"name": "x.jpg"}, "object": True},
}
