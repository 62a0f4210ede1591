"""Demo venues: a dozen regulated venues with two months of findings, tallies, this week's actions
and last month's bulletin. The demo account `venue` manages 幸福公寓."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.demo import demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.timezones import local_now
from tipboard.venues.models import PointRule, Venue
from tipboard.venues.periodic import build_bulletin, daily_tally, weekly_actions
from tipboard.venues.services import add_finding

RULES = [
    # code, zh, en, points, days to rectify
    ("fire-exit-blocked", "消防通道堵塞", "Fire exit blocked", -5, 7),
    ("indoor-charging", "电动车违规充电", "Illegal e-bike charging", -10, 3),
    ("no-emergency-kit", "应急器材（钢叉、盾牌）缺失", "Emergency kit (fork, shield) missing", -3, 7),
    ("no-id-check", "未核验身份", "Identity not checked", -5, 7),
    ("minors-admitted", "接纳未成年人", "Minors admitted", -20, 3),
    ("tenant-register", "租客登记齐全", "Tenant registration complete", 2, None),
    ("good-practice", "主动整改、配合检查", "Rectified promptly, cooperative", 1, None),
]

VENUES = [
    # name, category, grid, manager (demo user name or None), findings (rule code, days ago)
    (
        "幸福公寓 Xingfu Apartments",
        "rental_housing",
        "WC-04",
        "venue",
        [("indoor-charging", 20), ("fire-exit-blocked", 3)],
    ),
    (
        "极速网咖 Jisu Internet Café",
        "internet_cafe",
        "WC-01",
        None,
        [("minors-admitted", 40), ("no-id-check", 12)],
    ),
    ("江南宾馆 Jiangnan Hotel", "hotel", "WC-01", None, [("tenant-register", 30)]),
    ("顺达物流园 Shunda Logistics Yard", "logistics", "WC-03", None, [("no-emergency-kit", 15)]),
    (
        "魏村农贸市场 Weicun Market",
        "market",
        "WC-01",
        None,
        [("fire-exit-blocked", 50), ("good-practice", 35)],
    ),
    ("沿江充电站 Riverside Charging Site", "ebike_charging", "WC-02", None, []),
    (
        "老街群租房12号 No. 12 Old Street Rooms",
        "rental_housing",
        "WC-04",
        None,
        [("indoor-charging", 45), ("indoor-charging", 10), ("fire-exit-blocked", 5), ("no-emergency-kit", 2)],
    ),
    ("星光酒吧 Starlight Bar", "bar", "WC-03", None, [("minors-admitted", 25)]),
    ("工业园宿舍 Industrial Park Dormitory", "rental_housing", "WC-03", None, [("tenant-register", 40)]),
    ("如家快捷 Home Inn", "hotel", "WC-02", None, []),
    ("飞鱼网吧 Flying Fish Internet Café", "internet_cafe", "WC-04", None, [("no-id-check", 8)]),
    ("园区快递点 Park Parcel Point", "logistics", "WC-03", None, [("good-practice", 18)]),
]


@demo_loader(order=40)
def load_venues() -> None:
    if db.session.scalar(sa.select(sa.func.count(Venue.id))):
        return
    rules = {}
    for code, zh, en, points, days in RULES:
        rule = PointRule(code=code, name_zh=zh, name_en=en, points=points, rectify_days=days)
        db.session.add(rule)
        rules[code] = rule
    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    now = utcnow()
    for name, category, grid_code, manager, findings in VENUES:
        grid = db.session.scalar(sa.select(Grid).where(Grid.code == grid_code))
        owner = db.session.scalar(sa.select(User).where(User.username == manager)) if manager else None
        venue = Venue(
            name=name,
            category=category,
            grid_id=grid.id if grid else None,
            manager_id=owner.id if owner else None,
        )
        db.session.add(venue)
        db.session.flush()
        for code, days_ago in findings:
            add_finding(venue, rules[code], staff, None, now=now - dt.timedelta(days=days_ago))
    today = local_now().date()
    for back in range(14, -1, -1):
        daily_tally(today - dt.timedelta(days=back))
    weekly_actions(today - dt.timedelta(days=today.weekday()))
    build_bulletin((today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"))
    db.session.flush()
