STAFF = ("staff", "supervisor", "admin")
PARTNER = ("partner",)

ACCESS = {
    "partners.index": {"roles": STAFF},
    "partners.organisation": {"roles": STAFF},
    "partners.add_member": {"roles": STAFF, "method": "POST", "params": {"org_id": 999999}, "object": True},
    "partners.remove_member": {
        "roles": STAFF,
        "method": "POST",
        "params": {"org_id": 999999, "member_id": 999999},
        "object": True,
    },
    "partners.referrals_page": {"roles": PARTNER},
    "partners.referral": {"roles": PARTNER, "params": {"referral_id": 999999}, "object": True},
    "partners.reply": {"roles": PARTNER, "method": "POST", "params": {"referral_id": 999999}, "object": True},
    "partners.referral_photo": {
        "roles": PARTNER + STAFF,
        "params": {"referral_id": 999999, "name": "x.jpg"},
        "object": True,
    },
}
