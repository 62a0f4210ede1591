"""Reads that are the same for every resident are cached until what they show changes: the
published hazards (list and map JSON, per language) and the active categories."""

import datetime as dt
import re

import sqlalchemy as sa
from flask import render_template

from tests.factories import CategoryFactory, TipFactory, UserFactory
from tests.sqlcount import get_counted, statements, touching
from tipboard.extensions import db
from tipboard.moderation.models import QueueItem
from tipboard.tips import views
from tipboard.tips.models import Tip, TipStatus


def test_the_public_list_is_read_once_until_a_tip_changes(client, app_ctx):
    first = TipFactory(status=TipStatus.VERIFIED.value, description="Loose kerb stone")
    db.session.commit()
    page, sent = get_counted(client, "/tips/public", headers={"Accept-Language": "en"})
    assert touching(sent, "SELECT", "tip") and "Loose kerb stone" in page
    again, sent = get_counted(client, "/tips/public", headers={"Accept-Language": "en"})
    assert not touching(sent, "SELECT", "tip") and "Loose kerb stone" in again

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


def test_the_form_reads_categories_once_and_sees_changes_at_once(client, app_ctx):
    lamp = CategoryFactory(name_en="Street lamp out", hint_en="Lamps that stay dark")
    db.session.commit()
    page, sent = get_counted(client, "/tips/new", headers={"Accept-Language": "en"})
    assert (
        touching(sent, "SELECT", "category") and "Street lamp out" in page and "Lamps that stay dark" in page
    )
    again, sent = get_counted(client, "/tips/new", headers={"Accept-Language": "en"})
    assert not sent and "Street lamp out" in again

    CategoryFactory(name_en="Blocked fire lane")
    db.session.commit()
    assert "Blocked fire lane" in client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    lamp.active = False
    db.session.commit()
    page = client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    assert "Street lamp out" not in page and "Blocked fire lane" in page


def _newest_tip() -> Tip:
    return db.session.scalar(sa.select(Tip).order_by(Tip.id.desc()).limit(1))


def test_a_submission_files_the_tip_under_the_cached_category_without_a_query(client, app_ctx):
    """The category comes from the cached active categories the form offered: no query for it,
    and the tip's queue line and due time read the cached copy as they would a loaded one. A
    category this process switches off is refused at the next submission."""
    lamp = CategoryFactory(name_en="Street lamp out", response_hours=4)
    db.session.commit()
    form = {
        "category": str(lamp.id),
        "description": "Dark again at gate 3",
        "address": "Old Street 7",
        "anonymous": "y",
    }
    assert client.post("/tips/new", data=form).status_code == 302  # the active categories are cached now
    with statements() as sent:
        response = client.post("/tips/new", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert not touching(sent, "SELECT", "category") and touching(sent, "INSERT", "tip")
    tip = _newest_tip()
    item = db.session.scalar(
        sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
    )
    assert tip.category_id == lamp.id and item.category_id == lamp.id
    assert item.due_at == tip.created_at + dt.timedelta(hours=4)
    assert item.summaries["en"].startswith("Street lamp out: Dark again")

    lamp.active = False
    db.session.commit()  # ends the cached copy in this process at once (with Redis: in every process)
    response = client.post(
        "/tips/new", data=dict(form, description="Refused now"), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400 and "Please choose what the tip is about." in response.data.decode()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Tip).where(Tip.description == "Refused now"))
        == 0
    )


def test_without_a_shared_cache_another_process_switching_a_category_off_shows_within_its_time(
    client, app_ctx, monkeypatch
):
    """Without Redis, a category another process switched off is still offered by this one, and a
    tip sent in it is stored, until this process's copy is CATEGORY_CACHE_SECONDS old; then the
    form no longer offers it and a submission is refused."""
    import time

    from tipboard import caching
    from tipboard.tips import services

    lamp = CategoryFactory(name_en="Street lamp out")
    db.session.commit()
    assert [c.id for c in services.active_categories()] == [lamp.id]  # cached
    # Plain SQL, as another process's change arrives: this process's cached copy stays as it was.
    db.session.execute(
        sa.text("UPDATE category SET active = :off WHERE id = :id"), {"off": False, "id": lamp.id}
    )
    db.session.commit()
    form = {
        "category": str(lamp.id),
        "description": "Dark again",
        "address": "Old Street 7",
        "anonymous": "y",
    }
    assert client.post("/tips/new", data=form).status_code == 302
    assert _newest_tip().category_id == lamp.id

    later = time.time() + services.CATEGORY_CACHE_SECONDS + 1
    monkeypatch.setattr(caching.time, "time", lambda: later)
    assert "Street lamp out" not in client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    response = client.post(
        "/tips/new", data=dict(form, description="Refused now"), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400 and "Please choose what the tip is about." in response.data.decode()
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Tip).where(Tip.description == "Refused now"))
        == 0
    )


def test_grids_are_read_once_and_a_renamed_grid_is_found_at_once(client, app_ctx):
    from tests.factories import GridFactory
    from tipboard.geo import grid_id_named, nearest_grid_id

    grid = GridFactory(
        code="G7", name_en="Riverside Village", name_zh="河畔村", center_lat=31.9605, center_lon=119.9712
    )
    db.session.commit()
    assert grid_id_named(" 河畔村 ") == grid.id and nearest_grid_id(31.9606, 119.9710) == grid.id
    with statements() as sent:
        assert grid_id_named("G7") == grid.id and grid_id_named("Nowhere") is None
    assert not sent
    grid.name_en = "Riverside"
    db.session.commit()
    assert grid_id_named("Riverside") == grid.id and grid_id_named("Riverside Village") is None


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_the_blank_tip_form_is_rendered_once_and_each_visitor_gets_their_own_token(app, app_ctx, monkeypatch):
    """The empty form is kept per language and sign-in state until the categories change; the
    CSRF token in it is each visitor's own, and a tip sent with it is accepted."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    lamp = CategoryFactory(name_en="Street lamp out", name_zh="路灯不亮")
    db.session.commit()
    rendered = []
    monkeypatch.setattr(
        views, "render_template", lambda name, **ctx: rendered.append(name) or render_template(name, **ctx)
    )
    first, second = app.test_client(), app.test_client()
    pages = [c.get("/tips/new", headers={"Accept-Language": "en"}).data.decode() for c in (first, second)]
    assert rendered.count("tips/_form.html") == 1 and rendered.count("tips/new.html") == 2
    assert all("Street lamp out" in page and views.CSRF_SLOT not in page for page in pages)
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
    assert "路灯不亮" in chinese and rendered.count("tips/_form.html") == 2  # a copy per language
    CategoryFactory(name_en="Blocked fire exit", name_zh="消防通道堵塞")
    db.session.commit()
    assert "Blocked fire exit" in first.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()


def test_the_blank_form_differs_for_a_signed_in_resident_and_is_not_used_for_a_filled_one(
    app, app_ctx, client, login
):
    CategoryFactory()
    db.session.commit()
    anonymous = app.test_client().get("/tips/new").data.decode()
    assert 'name="contact_preference"' not in anonymous
    login(client, UserFactory())
    assert 'name="contact_preference"' in client.get("/tips/new").data.decode()
    filled = client.get("/tips/new?address=Gate+3&description=Seen+on+patrol").data.decode()
    assert 'value="Gate 3"' in filled and "Seen on patrol" in filled
    assert 'value="Gate 3"' not in client.get("/tips/new").data.decode()
