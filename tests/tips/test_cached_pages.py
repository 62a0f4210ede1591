"""Reads that are the same for every resident are cached until what they show changes: the
published hazards (list and map JSON, per language) and the active categories."""
import sqlalchemy as sa

from tests.factories import CategoryFactory, TipFactory
from tests.sqlcount import statements, touching
from tipboard.extensions import db
from tipboard.tips.models import Tip, TipStatus


def test_the_public_list_is_read_once_until_a_tip_changes(client, app_ctx):
    first = TipFactory(status=TipStatus.VERIFIED.value, description="Loose kerb stone")
    db.session.commit()
    with statements() as sent:
        page = client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
    assert touching(sent, "SELECT", "tip") and "Loose kerb stone" in page
    with statements() as sent:
        again = client.get("/tips/public", headers={"Accept-Language": "en"}).data.decode()
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
    only_lamp = client.get(f"/tips/public?category={lamp.id}", headers={"Accept-Language": "en"}).data.decode()
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
    with statements() as sent:
        page = client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    assert touching(sent, "SELECT", "category") and "Street lamp out" in page and "Lamps that stay dark" in page
    with statements() as sent:
        again = client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    assert not sent and "Street lamp out" in again

    CategoryFactory(name_en="Blocked fire lane")
    db.session.commit()
    assert "Blocked fire lane" in client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    lamp.active = False
    db.session.commit()
    page = client.get("/tips/new", headers={"Accept-Language": "en"}).data.decode()
    assert "Street lamp out" not in page and "Blocked fire lane" in page


def test_a_category_switched_off_meanwhile_is_refused_not_stored(client, app_ctx):
    """A worker without a shared cache may still offer a category an admin just switched off;
    submitting it is refused by the service's own check."""
    from tipboard.tips import services

    lamp = CategoryFactory(name_en="Street lamp out")
    db.session.commit()
    assert [c.id for c in services.active_categories()] == [lamp.id]  # cached
    # Plain SQL, as another process's change arrives: this process's cached copy stays as it was.
    db.session.execute(sa.text("UPDATE category SET active = :off WHERE id = :id"), {"off": False, "id": lamp.id})
    db.session.commit()
    assert [c.id for c in services.active_categories()] == [lamp.id]
    response = client.post("/tips/new", data={"category": str(lamp.id), "description": "Dark again",
                                              "address": "Old Street 7", "anonymous": "y"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Please choose what the tip is about." in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip).where(Tip.description == "Dark again")) == 0


def test_grids_are_read_once_and_a_renamed_grid_is_found_at_once(client, app_ctx):
    from tests.factories import GridFactory
    from tipboard.geo import grid_id_named, nearest_grid_id

    grid = GridFactory(code="G7", name_en="Riverside Village", name_zh="河畔村", center_lat=31.9605,
                       center_lon=119.9712)
    db.session.commit()
    assert grid_id_named(" 河畔村 ") == grid.id and nearest_grid_id(31.9606, 119.9710) == grid.id
    with statements() as sent:
        assert grid_id_named("G7") == grid.id and grid_id_named("Nowhere") is None
    assert not sent
    grid.name_en = "Riverside"
    db.session.commit()
    assert grid_id_named("Riverside") == grid.id and grid_id_named("Riverside Village") is None
