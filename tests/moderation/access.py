LEADERS = ("leader", "staff", "supervisor", "admin")
STAFF = ("staff", "supervisor", "admin")

ACCESS = {
    "moderation.queue": {"roles": LEADERS},
    "moderation.item": {"roles": LEADERS, "params": {"item_id": 999999}, "object": True},
    "moderation.claim": {"roles": LEADERS, "method": "POST", "params": {"item_id": 999999}, "object": True},
    "moderation.release": {"roles": LEADERS, "method": "POST", "params": {"item_id": 999999}, "object": True},
    "moderation.act": {
        "roles": LEADERS,
        "method": "POST",
        "params": {"item_id": 999999, "action": "verify"},
        "object": True,
    },
    "moderation.bulk": {"roles": LEADERS, "method": "POST"},
    "moderation.overview": {"roles": STAFF},
    "moderation.templates": {"roles": ("admin",)},
    "moderation.template": {"roles": ("admin",)},
}
