"""Who may use each endpoint of the notify blueprint (read by the role x route matrix test)."""

LEADERS = ("leader", "staff", "supervisor", "admin")

ACCESS = {
    "notify.channels": {"roles": "login"},
    "notify.push_subscribe": {"roles": "login", "method": "POST"},
    "notify.push_unsubscribe": {"roles": "login", "method": "POST"},
    # Reporter-only: needs the tip's code and secret in the session (tested in tests/notify).
    "notify.follow_tip": {
        "roles": "public",
        "method": "POST",
        "params": {"code": "ZZZZ-ZZZZ"},
        "object": True,
    },
    "notify.alerts_page": {"roles": "login"},
    "notify.remove_alert": {
        "roles": "login",
        "method": "POST",
        "params": {"watch_id": 999999},
        "object": True,
    },
    "notify.broadcast": {"roles": LEADERS},
    "notify.stuck": {"roles": ("admin",)},
    "notify.retry": {
        "roles": ("admin",),
        "method": "POST",
        "params": {"delivery_id": 999999},
        "object": True,
    },
}
