"""Teams and volunteers: applications, invitations, deputies, profiles."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from tipboard.admin.services import AdminError, Reference, save_reference
from tipboard.auth.services import grant_role
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.moderation.services import enqueue
from tipboard.outbox import notify, register_message
from tipboard.patrols.errors import PatrolError
from tipboard.patrols.models import (
    MemberRole,
    Team,
    TeamApplication,
    TeamInvite,
    TeamMember,
    VolunteerProfile,
)
from tipboard.permissions import STAFF, Role

register_message(
    "patrols.application_accepted",
    _l("Welcome to the team"),
    _l("Your application to join %(team)s was accepted."),
)
register_message(
    "patrols.application_declined",
    _l("Your team application"),
    _l("Your application to join %(team)s was not accepted this time."),
)
register_message(
    "patrols.invited",
    _l("An invitation to a volunteer team"),
    _l("A leader invites you to join %(team)s. Open Patrols to accept or decline."),
)


def apply(team: Team, user, message: str) -> TeamApplication:
    """A volunteer asks to join; the application waits in the queue for the team's leaders."""
    if team.membership(user) is not None:
        raise PatrolError("already_member")
    if db.session.scalar(
        sa.select(TeamApplication.id).where(
            TeamApplication.team_id == team.id,
            TeamApplication.user_id == user.id,
            TeamApplication.status == "pending",
        )
    ):
        raise PatrolError("already_applied")
    application = TeamApplication(team=team, user_id=user.id, message=message.strip())
    db.session.add(application)
    db.session.flush()
    enqueue("team_application", application.id, subject=application, team_id=team.id, actor=user)
    return application


def add_member(team: Team, user, role: MemberRole = MemberRole.MEMBER) -> TeamMember:
    member = team.membership(user)
    if member is None:
        member = TeamMember(team=team, user_id=user.id, role=role.value)
        db.session.add(member)
    grant_role(user, Role.VOLUNTEER)
    if role == MemberRole.LEADER:
        grant_role(user, Role.LEADER)
    if db.session.scalar(sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id)) is None:
        db.session.add(VolunteerProfile(user_id=user.id))
    db.session.flush()
    return member


def invite(team: Team, user, actor) -> TeamInvite | None:
    """A leader of the team (or staff) invites ``user`` (None: no such account): an offer the
    person accepts or declines on their Patrols page; nothing about them changes until then.
    Refused when ``actor`` does not lead the team. Nothing is sent to someone already in the team,
    already asked, or who declined; the caller answers the leader the same way in every case."""
    if not can_lead(actor, team):
        raise PatrolError("not_leader")
    if user is None or team.membership(user) is not None:
        return None
    offer = db.session.scalar(
        sa.select(TeamInvite).where(TeamInvite.team_id == team.id, TeamInvite.user_id == user.id)
    )
    if offer is not None and offer.status != "accepted":
        return None  # pending, or declined: a no is not asked again (they may still apply)
    if offer is not None:  # accepted once, left since: may be asked again
        offer.status, offer.invited_by_id = "pending", actor.id
    else:
        offer = TeamInvite(team_id=team.id, user_id=user.id, invited_by_id=actor.id, status="pending")
        try:
            with db.session.begin_nested():
                db.session.add(offer)
        except IntegrityError:
            return None  # asked at the same moment by another leader
    db.session.flush()
    notify(user, "patrols.invited", {"team": team.names})
    return offer


def answer_invite(offer: TeamInvite, user, accept: bool) -> None:
    """The invited person accepts (joins the team as a volunteer) or declines. One conditional
    UPDATE, so a double click answers once."""
    if offer.user_id != user.id:
        raise PatrolError("not_for_you")
    moved = db.session.execute(
        sa.update(TeamInvite)
        .where(TeamInvite.id == offer.id, TeamInvite.status == "pending")
        .values(status="accepted" if accept else "declined")
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise PatrolError("already_decided")
    db.session.refresh(offer)
    if accept:
        add_member(offer.team, user)


def pending_invites(user) -> list[TeamInvite]:
    return list(
        db.session.scalars(
            sa.select(TeamInvite)
            .where(TeamInvite.user_id == user.id, TeamInvite.status == "pending")
            .order_by(TeamInvite.id)
        )
    )


def decide_application(application: TeamApplication, accept: bool) -> None:
    if application.status != "pending":
        raise PatrolError("already_decided")
    application.status = "accepted" if accept else "declined"
    if accept:
        add_member(application.team, application.user)
    notify(application.user, f"patrols.application_{application.status}", {"team": application.team.names})
    db.session.flush()


def can_lead(user, team: Team) -> bool:
    return user.has_role(*STAFF) or team.is_leader(user)


def set_member_role(team: Team, member: TeamMember, role: MemberRole, actor) -> None:
    if not can_lead(actor, team):
        raise PatrolError("not_leader")
    if member.role == MemberRole.LEADER.value and not actor.has_role(*STAFF):
        raise PatrolError("not_leader")  # only staff change who leads
    member.role = role.value
    db.session.flush()


def remove_member(team: Team, member: TeamMember, actor) -> None:
    if not can_lead(actor, team) or (member.role == MemberRole.LEADER.value and not actor.has_role(*STAFF)):
        raise PatrolError("not_leader")
    db.session.delete(member)
    db.session.flush()


def profile_of(user) -> VolunteerProfile:
    profile = db.session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    if profile is None:
        profile = VolunteerProfile(user_id=user.id)
        db.session.add(profile)
        db.session.flush()
    return profile


def applied_team_ids(user) -> set[int]:
    """The teams the user asked to join and whose leaders have not decided yet."""
    return set(
        db.session.scalars(
            sa.select(TeamApplication.team_id).where(
                TeamApplication.user_id == user.id, TeamApplication.status == "pending"
            )
        )
    )


def pending_applications(team: Team) -> list[TeamApplication]:
    """The applications waiting for the team's leaders, oldest first."""
    return list(
        db.session.scalars(
            sa.select(TeamApplication)
            .where(TeamApplication.team_id == team.id, TeamApplication.status == "pending")
            .order_by(TeamApplication.id)
        )
    )


# --- the teams themselves (station staff) ------------------------------------------------------------

#: A team as staff name it: the English name must be unique (its column's constraint decides).
TEAM = Reference(
    Team,
    ("name_en", "name_zh", "description", "grids", "swaps_need_approval"),
    key="name_en",
    taken="team_name_taken",
    refused="team_refused",
    when_empty={"description": ""},
)


def save_team(team: Team | None, data: dict) -> Team:
    """Create (``team`` None) or change a team from the form's data: its names in both languages,
    what it does, the grids it patrols (ids) and whether swaps need a leader. A name another team
    already has, in either language, is refused (AdminError ``team_name_taken``); nothing is saved."""
    name_zh = (data.get("name_zh") or "").strip()
    clash = db.session.scalar(sa.select(Team.id).where(Team.name_zh == name_zh, Team.name_zh != ""))
    if clash is not None and (team is None or clash != team.id):
        raise AdminError("team_name_taken")
    grid_ids = [int(g) for g in data.get("grids") or []]
    grids = list(db.session.scalars(sa.select(Grid).where(Grid.id.in_(grid_ids)).order_by(Grid.code)))
    return save_reference(TEAM, team, {**data, "grids": grids})


def choices() -> list[tuple[str, str]]:
    """The teams for a form's select, named in the reader's language, "no team" first."""
    return [("", "—")] + [
        (str(t.id), t.name) for t in db.session.scalars(sa.select(Team).order_by(Team.name_en))
    ]
