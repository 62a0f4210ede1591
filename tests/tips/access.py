ACCESS = {
    "tips.new": {"roles": "public"},
    "tips.receipt": {"roles": "public"},
    "tips.track": {"roles": "public"},
    # Reporter-only pages need the code+secret in the session (per-object rule, tested in tests/tips;
    # for the matrix they exist for everyone who holds the secret). Without it the tracking page is
    # the code-and-secret form and the actions answer 403, alike for unknown and known codes.
    "tips.tracked": {"roles": "public", "params": {"code": "ZZZZ-ZZZZ"}, "object": True},
    "tips.message": {"roles": "public", "method": "POST", "params": {"code": "ZZZZ-ZZZZ"}, "object": True},
    "tips.mine": {"roles": "login"},
    "tips.public_list": {"roles": "public"},
    "tips.public_json": {"roles": "public"},
    "tips.nearby": {"roles": "public"},
    "tips.me_too": {"roles": "public", "method": "POST", "params": {"tip_id": 999999}, "object": True},
    "tips.photo": {"roles": "public", "params": {"name": "none.jpg"}, "object": True},
    "tips.followup": {"roles": "public", "method": "POST", "params": {"code": "ZZZZ-ZZZZ"}, "object": True},
    "tips.pending_photo": {"roles": "public", "params": {"token": "x", "name": "none.jpg"}, "object": True},
}
