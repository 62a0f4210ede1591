ADMIN_ONLY = ("admin",)

ACCESS = {
    "admin.index": {"roles": ADMIN_ONLY},
    "admin.categories": {"roles": ADMIN_ONLY},
    "admin.category": {"roles": ADMIN_ONLY},
    "admin.grids": {"roles": ADMIN_ONLY},
    "admin.grid": {"roles": ADMIN_ONLY},
    "admin.users": {"roles": ADMIN_ONLY},
    "admin.questions": {"roles": ADMIN_ONLY, "params": {"category_id": 999999}},
    "admin.question": {"roles": ADMIN_ONLY, "params": {"category_id": 999999}},
    "admin.user": {"roles": ADMIN_ONLY, "params": {"user_id": 1}},
}
