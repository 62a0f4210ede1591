VOLUNTEERS = ("volunteer", "leader")
LEADERS = ("leader", "staff", "supervisor", "admin")
STAFF = ("staff", "supervisor", "admin")

ACCESS = {
    "patrols.index": {"roles": "login"},
    "patrols.team_list": {"roles": "login"},
    "patrols.apply": {"roles": "login", "method": "POST", "params": {"team_id": 999999}, "object": True},
    "patrols.team": {"roles": LEADERS, "params": {"team_id": 999999}, "object": True},
    "patrols.invite": {"roles": LEADERS, "method": "POST", "params": {"team_id": 999999}, "object": True},
    "patrols.answer_invite": {
        "roles": "login",
        "method": "POST",
        "params": {"invite_id": 999999, "answer": "accept"},
        "object": True,
    },
    "patrols.member": {
        "roles": LEADERS,
        "method": "POST",
        "object": True,
        "params": {"team_id": 999999, "member_id": 1, "change": "deputy"},
    },
    "patrols.hours_csv": {"roles": LEADERS, "params": {"team_id": 999999}, "object": True},
    "patrols.profile": {"roles": VOLUNTEERS},
    "patrols.add_availability": {"roles": VOLUNTEERS, "method": "POST"},
    "patrols.add_away": {"roles": VOLUNTEERS, "method": "POST"},
    "patrols.reset_calendar": {"roles": VOLUNTEERS, "method": "POST"},
    "patrols.calendar_feed": {"roles": "public", "params": {"token": "not-a-token"}, "object": True},
    "patrols.points": {"roles": VOLUNTEERS + ("staff", "supervisor", "admin")},
    "patrols.new_point": {"roles": STAFF},
    "patrols.edit_team": {"roles": STAFF},  # GET /patrols/teams/new
    "patrols.point_qr": {"roles": LEADERS, "params": {"point_id": 999999}, "object": True},
    "patrols.templates": {"roles": STAFF, "params": {"point_id": 999999}, "object": True},
    "patrols.generate": {"roles": STAFF, "method": "POST"},
    "patrols.shift": {"roles": "login", "params": {"shift_id": 999999}, "object": True},
    "patrols.signup": {"roles": VOLUNTEERS, "method": "POST", "params": {"shift_id": 999999}, "object": True},
    "patrols.drop": {"roles": VOLUNTEERS, "method": "POST", "params": {"shift_id": 999999}, "object": True},
    "patrols.offer_swap": {
        "roles": VOLUNTEERS,
        "method": "POST",
        "params": {"shift_id": 999999},
        "object": True,
    },
    "patrols.take_swap": {
        "roles": VOLUNTEERS,
        "method": "POST",
        "params": {"swap_id": 999999},
        "object": True,
    },
    "patrols.scan": {"roles": "login", "params": {"token": "x"}, "object": True},
    "patrols.scan_confirm": {"roles": "login", "method": "POST", "params": {"token": "x"}, "object": True},
    "patrols.leader_checkin": {
        "roles": LEADERS,
        "method": "POST",
        "params": {"shift_id": 999999, "signup_id": 1},
        "object": True,
    },
    "patrols.log": {"roles": VOLUNTEERS, "method": "POST", "params": {"shift_id": 999999}, "object": True},
    "patrols.report_hazard": {"roles": VOLUNTEERS, "params": {"shift_id": 999999}, "object": True},
    "patrols.close": {"roles": LEADERS, "method": "POST", "params": {"shift_id": 999999}, "object": True},
}

#: Routes a leader may use for their own teams only: a leader of another team is refused. Params
#: name objects of the ``patrol`` fixture (tests/patrols/test_team_scope.py resolves them).
OWN_TEAMS_ONLY = {
    "patrols.team": {"params": {"team_id": "team_a"}},
    "patrols.invite": {"method": "POST", "params": {"team_id": "team_a"}},
    "patrols.member": {
        "method": "POST",
        "params": {"team_id": "team_a", "member_id": "member_a", "change": "deputy"},
    },
    "patrols.hours_csv": {"params": {"team_id": "team_a"}},
    "patrols.point_qr": {"params": {"point_id": "point_a"}},
    "patrols.leader_checkin": {"method": "POST", "params": {"shift_id": "shift", "signup_id": "signup_a"}},
    "patrols.close": {"method": "POST", "params": {"shift_id": "shift"}},
}

ACCESS.update(
    {
        "patrols.my_hours": {"roles": VOLUNTEERS},
        "patrols.check_record": {"roles": STAFF},
        "patrols.hours_record": {
            "roles": VOLUNTEERS + ("staff", "supervisor", "admin"),
            "params": {"user_id": 999999},
            "object": True,
        },
        "patrols.edit_availability": {
            "roles": VOLUNTEERS,
            "method": "POST",
            "params": {"slot_id": 999999},
            "object": True,
        },
        "patrols.delete_availability": {
            "roles": VOLUNTEERS,
            "method": "POST",
            "params": {"slot_id": 999999},
            "object": True,
        },
        "patrols.edit_away": {
            "roles": VOLUNTEERS,
            "method": "POST",
            "params": {"away_id": 999999},
            "object": True,
        },
        "patrols.delete_away_day": {
            "roles": VOLUNTEERS,
            "method": "POST",
            "params": {"away_id": 999999},
            "object": True,
        },
        "patrols.decide_application": {
            "roles": LEADERS,
            "method": "POST",
            "params": {"team_id": 999999, "application_id": 1, "decision": "accept"},
            "object": True,
        },
    }
)
OWN_TEAMS_ONLY.update(
    {
        "patrols.hours_record": {"params": {"user_id": "volunteer_a"}},
        "patrols.decide_application": {
            "method": "POST",
            "params": {"team_id": "team_a", "application_id": "application_a", "decision": "decline"},
        },
    }
)

# Suggested points (from incident clusters), incident imports, editing and retiring points.
ACCESS.update(
    {
        "patrols.hotspot_list": {"roles": LEADERS},
        "patrols.accept_hotspot": {"roles": STAFF, "params": {"key": "0000"}, "object": True},
        "patrols.dismiss_hotspot": {
            "roles": STAFF,
            "method": "POST",
            "params": {"key": "0000"},
            "object": True,
        },
        "patrols.import_incidents": {"roles": STAFF},
        "patrols.incidents_template": {"roles": STAFF},
        "patrols.edit_point": {"roles": STAFF, "params": {"point_id": 999999}, "object": True},
        "patrols.retire_point": {
            "roles": STAFF,
            "method": "POST",
            "params": {"point_id": 999999},
            "object": True,
        },
        "patrols.retired_points": {"roles": STAFF},
    }
)
