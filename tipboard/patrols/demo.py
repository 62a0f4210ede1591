"""Demo teams, points, templates and two weeks of shifts (idempotent): five teams like Weicun's
volunteer alliance, eight leaders and about sixty volunteers, each with the evenings or weekend
afternoons they are usually free; some with roster wishes (an hours cap, no late shifts, a home
grid), and the four weeks before with shifts most of them turned up for (so most are experienced
and their hours and last four weeks are not empty)."""

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.auth.services import grant_role, hash_password
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.patrols.availability import add_slot
from tipboard.patrols.models import (
    MemberRole,
    PatrolPoint,
    Shift,
    ShiftTemplate,
    SignUp,
    SignUpStatus,
    Team,
    VolunteerProfile,
)
from tipboard.patrols.shifts import _take_place, generate_shifts
from tipboard.patrols.teams import add_member, profile_of
from tipboard.permissions import Role
from tipboard.timezones import from_local, local_now

# (English name, Chinese name, what the team does as its leader wrote it, grids it patrols)
TEAMS = [
    (
        "Glasses Heroes Alliance · Team 1",
        "眼镜侠公益联盟一队",
        "市场和老街的晚间巡逻 · Evening patrols at the market and on Old Street",
        ["WC-01", "WC-04"],
    ),
    (
        "Riverside Patrol Team",
        "沿江巡逻队",
        "沿江出租屋和步道 · Riverside rented rooms and the river path",
        ["WC-02", "WC-03"],
    ),
    (
        "Glasses Heroes Alliance · Team 2",
        "眼镜侠公益联盟二队",
        "周末下午的市场和江边 · Weekend afternoons at the market and the river",
        ["WC-01", "WC-02"],
    ),
    (
        "Glasses Heroes Alliance · Team 3",
        "眼镜侠公益联盟三队",
        "公园路口和老街楼道 · The park road crossing and Old Street stairwells",
        ["WC-03", "WC-04"],
    ),
    (
        "Industrial Park Enterprise Patrol",
        "工业园企业巡逻队",
        "园区企业员工下班后的巡逻 · Staff of the park's firms, patrolling after work",
        ["WC-02", "WC-03"],
    ),
]
# Generated members per team: (leaders, members). The demo accounts `leader` and `volunteer`
# join team 1 on top of these.
TEAM_SIZES = [(1, 11), (2, 12), (1, 11), (1, 11), (2, 10)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超"]
# Weekly patterns people give (weekday, start hour, end hour): evenings or weekend afternoons.
PATTERNS = [
    [(0, 18, 22), (2, 18, 22), (4, 18, 22)],
    [(1, 18, 22), (3, 18, 22)],
    [(5, 13, 18), (6, 13, 18)],
    [(0, 18, 22), (1, 18, 22), (5, 13, 18)],
    [(2, 18, 22), (3, 18, 22), (6, 13, 18)],
    [],  # no pattern given: any time
]
# (English name, Chinese name, grid, latitude, longitude, base priority)
POINTS = [
    ("Market north gate", "菜市场北门", "WC-01", 31.9525, 119.9602, 1.5),
    ("Old Street stairwells", "老街楼道", "WC-04", 31.9471, 119.9669, 1.2),
    ("Riverside rental rooms", "沿江出租屋", "WC-02", 31.9603, 119.9714, 1.0),
    ("Park road crossing", "公园路口", "WC-03", 31.9396, 119.9508, 1.0),
]


@demo_loader(order=30)
def load_patrol_demo() -> None:
    made = []
    for en, zh, description, grid_codes in TEAMS:
        team = db.session.scalar(sa.select(Team).where(Team.name_en == en))
        if team is None:
            team = Team(
                name_en=en,
                name_zh=zh,
                description=description,
                grids=list(db.session.scalars(sa.select(Grid).where(Grid.code.in_(grid_codes)))),
            )
            db.session.add(team)
            db.session.flush()
        made.append(team)
    leader = db.session.scalar(sa.select(User).where(User.username == "leader"))
    volunteer = db.session.scalar(sa.select(User).where(User.username == "volunteer"))
    add_member(made[0], leader, MemberRole.LEADER)
    add_member(made[0], volunteer)
    _load_members(made)
    for name, name_zh, grid_code, lat, lon, weight in POINTS:
        if db.session.scalar(sa.select(PatrolPoint.id).where(PatrolPoint.name_en == name)) is not None:
            continue
        grid = db.session.scalar(sa.select(Grid).where(Grid.code == grid_code))
        point = PatrolPoint(
            name_en=name, name_zh=name_zh, lat=lat, lon=lon, grid_id=grid.id, base_weight=weight
        )
        db.session.add(point)
        db.session.flush()
        db.session.add(
            ShiftTemplate(
                point_id=point.id,
                title="",  # its shifts are named by the point, in the reader's language
                weekdays=[0, 1, 2, 3, 4],
                start_time=dt.time(19),
                end_time=dt.time(21),
                min_volunteers=2,
                max_volunteers=4,
            )
        )
        db.session.add(
            ShiftTemplate(
                point_id=point.id,
                title="",
                weekdays=[5, 6],
                start_time=dt.time(14),
                end_time=dt.time(17),
                min_volunteers=2,
                max_volunteers=5,
            )
        )
    db.session.flush()
    monday = local_now().date() - dt.timedelta(days=local_now().weekday())
    generate_shifts(monday)
    generate_shifts(monday + dt.timedelta(days=7))
    _load_past_patrols(made, monday)


def _load_past_patrols(teams: list[Team], monday: dt.date) -> None:
    """The four weeks before this one: their shifts, and three turned-up shifts for two in three
    members and every leader (the others stay new: they go out with an experienced one)."""
    for weeks_back in range(4, 0, -1):
        generate_shifts(monday - dt.timedelta(weeks=weeks_back))
    start = from_local(dt.datetime.combine(monday - dt.timedelta(weeks=4), dt.time()))
    end = from_local(dt.datetime.combine(monday, dt.time()))
    done = set(
        db.session.scalars(
            sa.select(SignUp.user_id).join(Shift).where(Shift.starts_at >= start, Shift.starts_at < end)
        )
    )
    for team in teams:
        grid_ids = [g.id for g in team.grids]
        past = db.session.scalars(
            sa.select(Shift)
            .join(PatrolPoint)
            .where(PatrolPoint.grid_id.in_(grid_ids), Shift.starts_at >= start, Shift.starts_at < end)
            .order_by(Shift.starts_at)
        ).all()
        if not past:
            continue
        for k, member in enumerate(sorted(team.members, key=lambda m: m.user_id)):
            if member.user_id in done or (member.role == MemberRole.MEMBER.value and k % 3 == 0):
                continue
            done.add(member.user_id)
            for j in range(3):
                shift = past[(k * 5 + j * len(past) // 3) % len(past)]
                if not _take_place(shift.id):
                    continue
                db.session.add(
                    SignUp(
                        shift_id=shift.id,
                        user_id=member.user_id,
                        status=SignUpStatus.CONFIRMED.value,
                        checked_in_at=shift.starts_at,
                        checked_out_at=shift.ends_at,
                    )
                )
                db.session.flush()


def _load_members(teams: list[Team]) -> None:
    """The generated leaders and volunteers (user names demo-v01 ...), one password hash for all."""
    password_hash = None
    n = 0
    for team, (leaders, members) in zip(teams, TEAM_SIZES, strict=True):
        for i in range(leaders + members):
            n += 1
            username = f"demo-v{n:02d}"
            user = db.session.scalar(sa.select(User).where(User.username == username))
            if user is None:
                password_hash = password_hash or hash_password("demo-volunteer")
                name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[n % len(GIVEN)]
                user = User(
                    username=username,
                    name=name,
                    email=f"{username}@demo.tipboard.invalid",
                    password_hash=password_hash,
                    is_demo=True,
                )
                db.session.add(user)
                db.session.flush()
                grant_role(user, Role.RESIDENT)
                for weekday, start, end in [] if i < leaders else PATTERNS[n % len(PATTERNS)]:
                    add_slot(user.id, weekday, dt.time(start), dt.time(end))
            add_member(team, user, MemberRole.LEADER if i < leaders else MemberRole.MEMBER)
            if i >= leaders:  # some members' roster wishes: the roster honours them
                wishes = profile_of(user)
                wishes.avoid_late = n % 4 == 0
                wishes.max_hours_per_week = 6 if n % 6 == 1 else None
                wishes.home_grid_id = team.grids[0].id if n % 5 == 2 and team.grids else None
            if i < leaders:  # leaders patrol more often than most and keep no fixed pattern
                user_profile = db.session.scalar(
                    sa.select(VolunteerProfile).where(VolunteerProfile.user_id == user.id)
                )
                user_profile.max_shifts_per_week = 4
