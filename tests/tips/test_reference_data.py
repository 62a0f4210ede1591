"""What every resident reads: the published hazards (list and map JSON, per language) and the
tip form with the active categories. The categories and grids are memoised (tipboard.caching) and
cleared by the admin services that change them, so a change made there shows at once."""

import datetime as dt
import re
import time

import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tipboard import caching
from tipboard.admin.services import CATEGORY_FIELDS, GRID_FIELDS, save_category, save_grid
from tipboard.extensions import db
from tipboard.geo import grid_id_named, nearest_grid_id
from tipboard.moderation.models import QueueItem
from tipboard.tips import services
from tipboard.tips.models import Tip, TipStatus


def _admin_saves(row, fields, save, **changes):
    """``row`` changed through the admin service, as the admin pages change it, and committed."""
    save(row, {**{name: getattr(row, name) for name in fields}, **changes})
    db.session.commit()


def test_the_public_list_shows_a_change_at_once(client, app_ctx):
    first = TipFactory(status=TipStatus.VERIFIED.value, description="Loose kerb stone")
    db.session.commit()
    assert "Loose kerb stone" in client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
    second = TipFactory(status=TipStatus.NEW.value, description="Broken railing")
    db.session.commit()
    assert "Broken railing" not in client.get("/tips/public").data.decode()  # not published yet
    second.status = TipStatus.VERIFIED.value
    db.session.commit()  # published: the next reader sees it at once
    page = client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
    assert "Broken railing" in page and "Loose kerb stone" in page
    first.status = TipStatus.REJECTED.value
    db.session.commit()
    assert "Loose kerb stone" not in client.get("/tips/public").data.decode()


def test_each_language_and_filter_has_its_own_copy(client, app_ctx):
    lamp = CategoryFactory(name_en="Street lamp out", name_zh="路灯不亮")
    other = CategoryFactory(name_en="Other thing", name_zh="其他")
    TipFactory(category=lamp, status=TipStatus.VERIFIED.value, description="Lamp at gate 3")
    TipFactory(category=other, status=TipStatus.VERIFIED.value, description="Something else")
    db.session.commit()
    english = client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
    chinese = client.get("/tips/public", headers={"Accept-Language": "zh-CN"}).data.decode()
    assert "Street lamp out" in english and "路灯不亮" not in english
    assert "路灯不亮" in chinese and "Verified" not in chinese
    only_lamp = client.get(
        f"/tips/public?category={lamp.id}", headers={"Accept-Language": "en"}
    ).data.decode()
    assert "Lamp at gate 3" in only_lamp and "Something else" not in only_lamp
    json_en = client.get("/tips/public.json", headers={"Accept-Language": "en"}).get_json()
    json_zh = client.get("/tips/public.json", headers={"Accept-Language": "zh-CN"}).get_json()
    assert {t["category"] for t in json_en["tips"]} >= {"Street lamp out"}
    assert {t["category"] for t in json_zh["tips"]} >= {"路灯不亮"}


def test_renaming_a_category_shows_at_once(client, app_ctx):
    lamp = CategoryFactory(name_en="Street lamp out")
    TipFactory(category=lamp, status=TipStatus.VERIFIED.value)
    db.session.commit()
    assert "Street lamp out" in client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
    lamp.name_en = "Dark street lamp"
    db.session.commit()
    assert "Dark street lamp" in client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()


def test_the_form_shows_a_category_change_made_by_an_admin_at_once(client, app_ctx):
    lamp = CategoryFactory(name_en="Street lamp out", hint_en="Lamps that stay dark")
    db.session.commit()
    page = client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    assert "Street lamp out" in page and "Lamps that stay dark" in page
    save_category(
        None,
        {
            **{name: None for name in CATEGORY_FIELDS},
            "slug": "fire-lane",
            "name_en": "Blocked fire lane",
            "name_zh": "消防通道堵塞",
            "active": True,
            "is_hazard": True,
            "response_hours": 4,
            "resolution_hours": 72,
        },
    )
    db.session.commit()
    assert "Blocked fire lane" in client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    _admin_saves(lamp, CATEGORY_FIELDS, save_category, active=False)
    page = client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    assert "Street lamp out" not in page and "Blocked fire lane" in page


def _newest_tip() -> Tip:
    return db.session.scalar(sa.select(Tip).order_by(Tip.id.desc()).limit(1))


def _form(category_id: int, description: str = "Dark again at gate 3") -> dict:
    return {
        "category": str(category_id),
        "description": description,
        "address": "Old Street 7",
        "anonymous": "y",
    }


def test_a_tip_is_filed_under_the_memoised_category_and_refused_once_an_admin_switches_it_off(
    client, app_ctx
):
    """The tip's queue line and due time read the memoised category as they would a loaded one."""
    lamp = CategoryFactory(name_en="Street lamp out", response_hours=4)
    db.session.commit()
    assert client.post("/tips/new", data=_form(lamp.id)).status_code == 302
    assert client.post("/tips/new", data=_form(lamp.id), headers={"Accept-Language": "en"}).status_code == 302
    tip = _newest_tip()
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
    )
    assert tip.category_id == lamp.id and item.category_id == lamp.id
    assert item.due_at == tip.created_at + dt.timedelta(hours=4)
    assert item.summary.startswith("Street lamp out: Dark again")

    _admin_saves(lamp, CATEGORY_FIELDS, save_category, active=False)
    response = client.post("/tips/new", data=_form(lamp.id, "Refused now"), headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Please choose what the tip is about." in response.data.decode()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Tip).where(Tip.description == "Refused now"))
        == 0
    )


def test_without_a_shared_cache_another_process_switching_a_category_off_shows_within_its_time(
    client, app_ctx, monkeypatch
):
    """Without Redis, a category another process switched off is still offered by this one, and a
    tip sent in it is stored, until this process's copy is REFERENCE_SECONDS old; then the form no
    longer offers it and a submission is refused."""
    lamp = CategoryFactory(name_en="Street lamp out")
    db.session.commit()
    assert [c.id for c in services.active_categories()] == [lamp.id]
    # Plain SQL, as another process's change arrives: this process's copy stays as it was.
    db.session.execute(
        sa.text("UPDATE category SET active = :off WHERE id = :id"), {"off": False, "id": lamp.id}
    )
    db.session.commit()
    assert client.post("/tips/new", data=_form(lamp.id, "Dark again")).status_code == 302
    assert _newest_tip().category_id == lamp.id

    later = time.time() + caching.REFERENCE_SECONDS + 1
    monkeypatch.setattr("cachelib.simple.time", lambda: later)
    assert "Street lamp out" not in client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    response = client.post("/tips/new", data=_form(lamp.id, "Refused now"), headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Please choose what the tip is about." in response.data.decode()


def test_a_grid_renamed_by_an_admin_is_found_at_once(client, app_ctx):
    grid = GridFactory(
        code="G7", name_en="Riverside Village", name_zh="河畔村", center_lat=31.9605, center_lon=119.9712
    )
    db.session.commit()
    assert grid_id_named(" 河畔村 ") == grid.id and nearest_grid_id(31.9606, 119.9710) == grid.id
    _admin_saves(grid, GRID_FIELDS, save_grid, name_en="Riverside")
    assert grid_id_named("Riverside") == grid.id and grid_id_named("Riverside Village") is None


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_each_visitor_of_the_tip_form_gets_their_own_token(app, app_ctx, monkeypatch):
    """The CSRF token in the form is each visitor's own, and a tip sent with it is accepted."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    lamp = CategoryFactory(name_en="Street lamp out", name_zh="路灯不亮")
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    pages = [c.get("/tips/new", headers={"Accept-Language": "en"}).data.decode() for c in (first, second)]
    assert all("Street lamp out" in page for page in pages)
    assert _token(pages[0]) != _token(pages[1])
    assert pages[0].replace(_token(pages[0]), "") == pages[1].replace(_token(pages[1]), "")
    response = second.post(
        "/tips/new",
        data={
            "csrf_token": _token(pages[1]),
            "category": str(lamp.id),
            "description": "Lamp out by gate 3",
            "address": "Old Street 7",
            "anonymous": "y",
        },
    )
    assert response.status_code == 302
    assert (
        first.post(
            "/tips/new",
            data={
                "csrf_token": _token(pages[1]),
                "category": str(lamp.id),
                "description": "Not my token",
                "address": "Old Street 7",
                "anonymous": "y",
            },
        ).status_code
        == 400
    )

    chinese = first.get("/tips/new", headers={"Accept-Language": "zh-CN"}).data.decode()
    assert "路灯不亮" in chinese


def test_the_form_differs_for_a_signed_in_resident_and_keeps_what_was_filled_in(app, app_ctx, client, login):
    CategoryFactory()
    db.session.commit()
    anonymous = app.test_client().get("/tips/new").data.decode()
    assert 'name="contact_preference"' not in anonymous
    login(client, UserFactory())
    assert 'name="contact_preference"' in client.get("/tips/new").data.decode()
    filled = client.get("/tips/new?address=Gate+3&description=Seen+on+patrol").data.decode()
    assert 'value="Gate 3"' in filled and "Seen on patrol" in filled
    assert 'value="Gate 3"' not in client.get("/tips/new").data.decode()


def test_the_public_list_is_in_date_order_and_pages_through_every_tip_once(client, app_ctx):
    """Newest report first by the date the list shows, whatever order the tips were stored in."""
    now = dt.datetime(2026, 11, 20, 12, 0)
    days = [3, 0, 5, 1, 4, 2]  # stored in this order, reported this many days ago
    for n, ago in enumerate(days):
        TipFactory(
            status=TipStatus.VERIFIED.value, description=f"Tip {n}", created_at=now - dt.timedelta(days=ago)
        )
    db.session.commit()
    page = client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
    shown = re.findall(r"Tip (\d)", page)
    assert [days[int(n)] for n in shown] == sorted(days)
    seen, before = [], None
    while True:
        tips = services.public_tips(before_id=before, limit=4)
        seen += [t.description for t in tips]
        if len(tips) < 4:
            break
        before = tips[-1].id
    assert seen == [f"Tip {n}" for n in sorted(range(len(days)), key=lambda n: days[n])]
