"""Roles and the decorators that guard routes.

A user may hold several roles. Roles are not a strict ladder (a volunteer is not "above" a
resident for every purpose), so routes name the roles they admit. ``staff_or_above`` and friends
are the common sets. Per-object rules live on the models (``tip.can_view(user)``).

HTML routes answer an anonymous visitor with a login redirect and a signed-in user without the
role with 403; JSON routes answer 401/403 with a JSON body.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort, jsonify, request
from flask_login import current_user

from tipboard.extensions import login_manager


class Role(str, enum.Enum):
    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    LEADER = "leader"
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # The neighbourhood's partners in settling disputes and keeping the area safe.
    MEDIATOR = "mediator"  # a people's mediator (人民调解员)
    LAWYER = "lawyer"  # a lawyer of a partner law firm
    PARTNER = "partner"  # a member of a partner organisation (residents' committee, property ...)
    GRIDWORKER = "gridworker"  # a grid worker (网格员)
    BUILDING_LEAD = "building_lead"  # a building lead (楼门长)
    VENUE_MANAGER = "venue_manager"  # the manager of a regulated venue

    def __str__(self) -> str:  # stored and compared as plain strings
        return self.value


ALL_ROLES = tuple(Role)
VOLUNTEERS = (Role.VOLUNTEER, Role.LEADER)
LEADERS = (Role.LEADER, Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
STAFF = (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
ADMINS = (Role.ADMIN,)


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _refuse(status: int):
    if _wants_json():
        response = jsonify(error="unauthorized" if status == 401 else "forbidden")
        response.status_code = status
        abort(response)
    abort(status)


def roles_required(*roles: Role):
    """Admit a signed-in user holding any of ``roles``."""
    allowed = frozenset(str(r) for r in roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if _wants_json():
                    _refuse(401)
                return login_manager.unauthorized()
            if not allowed & current_user.role_names:
                _refuse(403)
            return view(*args, **kwargs)

        wrapped.access_roles = allowed
        return wrapped

    return decorator


def login_required(view):
    """Any signed-in user."""
    return roles_required(*ALL_ROLES)(view)


def public(view):
    """Mark a route as open to everyone, anonymous visitors included (documents intent)."""
    view.access_roles = "public"
    return view
