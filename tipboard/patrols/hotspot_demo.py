"""Demo incidents (imported as if from a CSV) and verified tips that cluster in three places away
from the demo's patrol points, so the suggested points page shows something after `make run`."""

import datetime as dt
import random

import sqlalchemy as sa

from tipboard.demo import DEMO_SECRET, demo_loader
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.patrols.incidents import import_csv
from tipboard.timezones import from_local, local_now
from tipboard.tips.models import Category, EventKind, EventVisibility, Tip, TipEvent, TipStatus
from tipboard.tips.services import hash_secret
from tipboard.tips.workflow import enqueue_tip

# name, lat, lon, (first hour, last hour) in station time, incidents, tips, incident types, place
CLUSTERS = [
    ("Canal Road night market", 31.9440, 119.9790, (19, 22), 18, 2, ("theft", "fight"), "运河路夜市"),
    ("Station square", 31.9690, 119.9530, (0, 3), 12, 4, ("theft", "drunk"), "车站广场"),
    ("Primary school gate", 31.9310, 119.9680, (15, 17), 6, 6, ("traffic",), "小学门口"),
]
TIP_TEXT = {
    "Canal Road night market": "Phone snatching among the stalls of the night market, again this week.",
    "Station square": "Groups drinking on the square after midnight; a fight broke out on Saturday.",
    "Primary school gate": "Cars stop on the crossing at the school gate when pupils come out.",
}


@demo_loader(order=40)
def load_hotspot_demo() -> None:
    if db.session.scalar(sa.select(Tip.id).where(Tip.tracking_code == "DEMH-0001")) is not None:
        return
    rng = random.Random(24)
    today = local_now().replace(tzinfo=None, minute=0, second=0, microsecond=0)
    lines = ["occurred_at,lat,lon,type,place"]
    tip_no = 0
    category = db.session.scalar(sa.select(Category).where(Category.slug == "public-safety"))
    grid = db.session.scalar(sa.select(Grid).order_by(Grid.code))
    for name, lat, lon, (first, last), n_incidents, n_tips, kinds, place in CLUSTERS:
        for i in range(n_incidents):
            when = (today - dt.timedelta(days=rng.randint(2, 80))).replace(hour=rng.randint(first, last))
            lines.append(
                f"{when:%Y-%m-%d %H}:{rng.randint(0, 59):02d},{lat + rng.uniform(-6e-4, 6e-4):.6f},"
                f"{lon + rng.uniform(-6e-4, 6e-4):.6f},{kinds[i % len(kinds)]},{place}"
            )
        for _ in range(n_tips):
            tip_no += 1
            local = (today - dt.timedelta(days=rng.randint(2, 60))).replace(hour=rng.randint(first, last))
            seen = from_local(local)
            tip = Tip(
                tracking_code=f"DEMH-{tip_no:04d}",
                secret_hash=hash_secret(DEMO_SECRET),
                category=category,
                description=TIP_TEXT[name],
                lat=round(lat + rng.uniform(-6e-4, 6e-4), 6),
                lon=round(lon + rng.uniform(-6e-4, 6e-4), 6),
                grid_id=grid.id if grid else None,
                anonymous=True,
                status=TipStatus.VERIFIED.value,
                seen_at=seen,
                created_at=seen + dt.timedelta(hours=1),
                updated_at=seen + dt.timedelta(hours=1),
                published_at=seen + dt.timedelta(hours=3),
            )
            tip.events.append(
                TipEvent(
                    kind=EventKind.SUBMITTED.value, status=TipStatus.NEW.value, created_at=tip.created_at
                )
            )
            tip.events.append(
                TipEvent(
                    kind=EventKind.STATUS.value,
                    status=TipStatus.VERIFIED.value,
                    visibility=EventVisibility.PUBLIC.value,
                    created_at=tip.published_at,
                )
            )
            db.session.add(tip)
            db.session.flush()
            enqueue_tip(tip)
    import_csv(
        ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"),
        None,
        local_now().astimezone(dt.UTC).replace(tzinfo=None),
    )
