"""Demo data for `make run`: accounts, categories, grids and a few tips around one neighbourhood.

Idempotent: every record is found by a natural key before it is created, so loading twice adds
nothing. Blueprints add their own demo data with :func:`demo_loader`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.auth.services import grant_role, register_user
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.permissions import Role
from tipboard.tips.models import Category, EventKind, EventVisibility, Tip, TipEvent, TipStatus
from tipboard.tips.services import hash_secret
from tipboard.tips.workflow import enqueue_tip

DEMO_ACCOUNTS = {
    "resident": ("李阿姨 Auntie Li", (Role.RESIDENT,)),
    "volunteer": ("王志强 Wang Zhiqiang", (Role.RESIDENT, Role.VOLUNTEER)),
    "leader": ("陈队长 Captain Chen", (Role.RESIDENT, Role.VOLUNTEER, Role.LEADER)),
    "staff": ("张警官 Officer Zhang", (Role.STAFF,)),
    "supervisor": ("刘所长 Director Liu", (Role.STAFF, Role.SUPERVISOR)),
    # A second supervisor, so an award above the two-approver threshold can be walked to the end.
    "supervisor2": ("赵副所长 Deputy Director Zhao", (Role.STAFF, Role.SUPERVISOR)),
    "admin": ("系统管理员 Admin", (Role.ADMIN, Role.STAFF, Role.SUPERVISOR)),
    # The neighbourhood's partners (tipboard/partners/demo.py says which organisation each is in).
    "mediator": ("周调解员 Mediator Zhou", (Role.MEDIATOR,)),
    "lawyer": ("孙律师 Lawyer Sun", (Role.LAWYER,)),
    "partner": ("吴经理 Manager Wu (property)", (Role.PARTNER,)),
    "gridworker": ("郑网格员 Grid worker Zheng", (Role.GRIDWORKER, Role.RESIDENT)),
    "venue": ("钱老板 Owner Qian (venue)", (Role.VENUE_MANAGER, Role.RESIDENT)),
}

CATEGORIES = [
    # slug, en, zh, hint en, hint zh, hazard, response h, resolution h
    (
        "fire-hazard",
        "Fire hazard",
        "消防隐患",
        "E-bikes charged indoors, sagging wires, blocked exits",
        "电动车进楼入户充电、私拉乱接电线、堵塞消防通道",
        True,
        4,
        72,
    ),
    (
        "public-safety",
        "Public safety",
        "治安隐患",
        "Broken street lights, suspicious activity",
        "路灯损坏、可疑人员活动",
        True,
        8,
        120,
    ),
    (
        "traffic",
        "Traffic",
        "交通安全",
        "Dangerous crossings, illegal parking",
        "危险路口、违法停车",
        True,
        24,
        168,
    ),
    (
        "fraud",
        "Fraud attempt",
        "诈骗线索",
        "Suspicious calls, messages or sellers",
        "可疑电话、短信或推销",
        False,
        4,
        72,
    ),
    (
        "dispute",
        "Neighbourhood dispute",
        "邻里纠纷",
        "Noise, shared spaces, property lines",
        "噪音、公共空间、宅基地纠纷",
        False,
        24,
        240,
    ),
    (
        "sentiment",
        "Public sentiment",
        "社情民意",
        "What the neighbourhood worries about",
        "群众关心的事和意见建议",
        False,
        48,
        336,
    ),
    (
        "other",
        "Other",
        "其他",
        "Anything else the station should know",
        "其他需要派出所知道的事",
        False,
        48,
        336,
    ),
]

GRIDS = [
    ("WC-01", "Weicun Market", "魏村农贸市场", 31.9520, 119.9600, 400),
    ("WC-02", "Riverside Village", "沿江村", 31.9605, 119.9712, 600),
    ("WC-03", "Industrial Park", "工业园区", 31.9390, 119.9505, 800),
    ("WC-04", "Old Street", "老街社区", 31.9470, 119.9670, 400),
]

DEMO_TIPS = [
    # code, category, grid, lat, lon, status, days ago, description
    (
        "DEM0-0001",
        "fire-hazard",
        "WC-04",
        31.9472,
        119.9668,
        TipStatus.VERIFIED,
        3,
        "Three e-bikes are charged every night in the stairwell of building 7, cables across the steps.",
    ),
    (
        "DEM0-0002",
        "public-safety",
        "WC-01",
        31.9522,
        119.9603,
        TipStatus.NEW,
        1,
        "The street light at the market's north gate has been out for a week; it is very dark at night.",
    ),
    (
        "DEM0-0003",
        "fire-hazard",
        "WC-02",
        31.9601,
        119.9716,
        TipStatus.RESOLVED,
        12,
        "Sagging overhead wires behind the rented rooms at No. 12, low enough to touch.",
    ),
    (
        "DEM0-0004",
        "traffic",
        "WC-03",
        31.9395,
        119.9510,
        TipStatus.VERIFIED,
        5,
        "Lorries park on both sides of the park road at shift change; children cross between them.",
    ),
    (
        "DEM0-0005",
        "fraud",
        "WC-04",
        31.9468,
        119.9675,
        TipStatus.NEW,
        0,
        "A caller claiming to be from the bank asked my neighbour for a verification code.",
    ),
]

DEMO_SECRET = "DEM0-DEM0-DEM0"

_LOADERS: list[tuple[int, Callable[[], None]]] = []


def demo_loader(order: int):
    """Register a blueprint's demo loader; run after the core ones, in ``order``."""

    def decorator(func):
        _LOADERS.append((order, func))
        return func

    return decorator


def load_demo() -> list[tuple[str, str]]:
    """Load (or top up) the demo data; returns the demo accounts as (login, password)."""
    accounts = _load_accounts()
    _load_categories()
    _load_grids()
    db.session.flush()
    _load_tips()
    for _order, loader in sorted(_LOADERS, key=lambda item: item[0]):
        loader()
    db.session.flush()
    return accounts


def _load_accounts() -> list[tuple[str, str]]:
    accounts = []
    for username, (name, roles) in DEMO_ACCOUNTS.items():
        password = f"demo-{username}"
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            user = register_user(
                name,
                f"{username}@demo.tipboard.invalid",
                password,
                username=username,
                roles=roles,
                is_demo=True,
            )
        for role in roles:
            grant_role(user, role)
        accounts.append((username, password))
    return accounts


def _load_categories() -> None:
    for order, (slug, en, zh, hint_en, hint_zh, hazard, response_h, resolution_h) in enumerate(CATEGORIES):
        if db.session.scalar(sa.select(Category.id).where(Category.slug == slug)) is None:
            db.session.add(
                Category(
                    slug=slug,
                    name_en=en,
                    name_zh=zh,
                    hint_en=hint_en,
                    hint_zh=hint_zh,
                    is_hazard=hazard,
                    sort_order=order,
                    response_hours=response_h,
                    resolution_hours=resolution_h,
                )
            )


def _load_grids() -> None:
    for code, en, zh, lat, lon, radius in GRIDS:
        if db.session.scalar(sa.select(Grid.id).where(Grid.code == code)) is None:
            db.session.add(
                Grid(code=code, name_en=en, name_zh=zh, center_lat=lat, center_lon=lon, radius_m=radius)
            )


def _load_tips() -> None:
    resident = db.session.scalar(sa.select(User).where(User.username == "resident"))
    for i, (code, slug, grid_code, lat, lon, status, days, text) in enumerate(DEMO_TIPS):
        if db.session.scalar(sa.select(Tip.id).where(Tip.tracking_code == code)) is not None:
            continue
        created = utcnow() - dt.timedelta(days=days, hours=2)
        category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
        grid = db.session.scalar(sa.select(Grid).where(Grid.code == grid_code))
        named = i == 0
        tip = Tip(
            tracking_code=code,
            secret_hash=hash_secret(DEMO_SECRET),
            category=category,
            description=text,
            lat=lat,
            lon=lon,
            grid_id=grid.id,
            anonymous=not named,
            reporter_id=resident.id if named else None,
            contact_preference="inbox" if named else None,
            status=status.value,
            created_at=created,
            updated_at=created,
            published_at=created + dt.timedelta(hours=3) if status != TipStatus.NEW else None,
        )
        tip.events.append(
            TipEvent(kind=EventKind.SUBMITTED.value, status=TipStatus.NEW.value, created_at=created)
        )
        if status != TipStatus.NEW:
            tip.events.append(
                TipEvent(
                    kind=EventKind.STATUS.value,
                    status=status.value,
                    visibility=EventVisibility.PUBLIC.value,
                    created_at=created + dt.timedelta(hours=3),
                )
            )
        db.session.add(tip)
        db.session.flush()
        enqueue_tip(tip)
