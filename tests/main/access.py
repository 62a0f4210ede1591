"""Who may use each endpoint of this blueprint (read by the role x route matrix test).

``roles`` is "public", "login" (any signed-in user) or a tuple of role names. ``params`` fills
the URL's variables; ``method`` defaults to GET.
"""

ACCESS = {
    "main.index": {"roles": "public"},
    "main.set_language": {"roles": "public", "method": "POST"},
    "main.inbox": {"roles": "login"},
    "main.mark_read": {"roles": "login", "method": "POST"},
    "main.healthz": {"roles": "public"},
    "main.manifest": {"roles": "public"},
    "main.service_worker": {"roles": "public"},
    "main.favicon": {"roles": "public"},
    "static": {"roles": "public", "params": {"filename": "css/site.css"}},
}
