LEADERS = ("leader", "staff", "supervisor", "admin")
STAFF = ("staff", "supervisor", "admin")

ACCESS = {
    "roster.index": {"roles": LEADERS},
    "roster.build_now": {"roles": STAFF, "method": "POST"},
    "roster.run": {"roles": LEADERS, "params": {"run_id": 999999}, "object": True},
    "roster.edit": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.fill": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.rebuild": {"roles": STAFF, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.publish": {"roles": STAFF, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.keep_open": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.reopen": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
}

#: Routes a leader may use for their own teams' patrols only: a leader of another team is refused
#: (tests/roster/test_leader_scope.py). Building, rebuilding and publishing are the station's.
OWN_TEAMS_ONLY = {
    "roster.edit": {
        "method": "POST",
        "params": {"run_id": "run"},
        "data": {"shift_id": "shift", "user_id": "person", "op": "remove"},
    },
    "roster.fill": {
        "method": "POST",
        "params": {"run_id": "run"},
        "data": {"shift_id": "shift", "user_id": "person"},
    },
    "roster.build_now": {"method": "POST"},
    "roster.rebuild": {"method": "POST", "params": {"run_id": "run"}},
    "roster.publish": {"method": "POST", "params": {"run_id": "run"}},
}
