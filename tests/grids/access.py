STAFF = ("staff", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")

ACCESS = {
    "grids.index": {"roles": ("gridworker", "building_lead") + STAFF},
    "grids.grid": {"roles": SUPERVISORS, "params": {"grid_id": 999999}, "object": True},
    "grids.add_member": {
        "roles": SUPERVISORS,
        "method": "POST",
        "params": {"grid_id": 999999},
        "object": True,
    },
    "grids.remove_member": {
        "roles": SUPERVISORS,
        "method": "POST",
        "params": {"grid_id": 999999, "member_id": 999999},
        "object": True,
    },
    "grids.duty": {"roles": STAFF},
    "grids.set_duty": {"roles": SUPERVISORS, "method": "POST"},
}
