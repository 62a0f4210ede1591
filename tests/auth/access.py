ACCESS = {
    "auth.register": {"roles": "public"},
    "auth.login": {"roles": "public"},
    "auth.logout": {"roles": "login", "method": "POST"},
    "auth.change_password": {"roles": "login"},
    "auth.settings": {"roles": "login"},
}
