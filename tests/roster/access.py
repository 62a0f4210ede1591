LEADERS = ("leader", "staff", "supervisor", "admin")

ACCESS = {
    "roster.index": {"roles": LEADERS},
    "roster.build_now": {"roles": LEADERS, "method": "POST"},
    "roster.run": {"roles": LEADERS, "params": {"run_id": 999999}, "object": True},
    "roster.edit": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.rebuild": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
    "roster.publish": {"roles": LEADERS, "method": "POST", "params": {"run_id": 999999}, "object": True},
}
