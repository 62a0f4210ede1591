ADMIN_ONLY = ("admin",)

ACCESS = {
    "admin.index": {"roles": ADMIN_ONLY},
    "admin.categories": {"roles": ADMIN_ONLY},
    "admin.category": {"roles": ADMIN_ONLY},
    "admin.grids": {"roles": ADMIN_ONLY},
    "admin.grid": {"roles": ADMIN_ONLY},
    "admin.users": {"roles": ADMIN_ONLY},
    "admin.user": {"roles": ADMIN_ONLY, "params": {"user_id": 1}},
}
