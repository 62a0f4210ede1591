STAFF = ("staff", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")

ACCESS = {
    "rewards.index": {"roles": STAFF},
    "rewards.budgets": {"roles": SUPERVISORS},
    "rewards.rules": {"roles": ("admin",)},
    "rewards.redeem": {"roles": STAFF},
    "rewards.pay": {"roles": STAFF, "method": "POST", "params": {"reward_id": 999999}},
    "rewards.mine": {"roles": "login"},
    "rewards.collect": {"roles": "login", "method": "POST", "params": {"reward_id": 999999}, "object": True},
    "rewards.claim": {"roles": "public", "method": "POST", "params": {"code": "ZZZZ-ZZZZ"}, "object": True},
    "rewards.claim_code": {"roles": "public"},
    "rewards.ledger_csv": {"roles": SUPERVISORS},
    "rewards.statement": {"roles": SUPERVISORS},
    "rewards.nominate": {"roles": "login"},
    "rewards.honour": {"roles": "public"},
    "rewards.consent_code": {"roles": STAFF, "method": "POST", "params": {"nomination_id": 999999}},
    "rewards.consent": {"roles": "public"},
}
