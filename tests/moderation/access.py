ACCESS = {
    "moderation.queue": {"roles": ("staff", "supervisor", "admin")},
}
