ACCESS = {
    "auth.register": {"roles": "public"},
    "auth.login": {"roles": "public"},
    "auth.logout": {"roles": "login", "method": "POST"},
    "auth.change_password": {"roles": "login"},
    "auth.settings": {"roles": "login"},
    "auth.reset_request": {"roles": "public"},
    # Answers 404 without a valid token: per-object (the token), tested in tests/security.
    "auth.reset_password": {"roles": "public", "params": {"token": "not-a-token"}, "object": True},
}
