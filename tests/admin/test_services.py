"""Admin services called directly: one save for every kind of reference data."""
import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, GridFactory, UserFactory
from tipboard.admin import services
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.tips.models import Category

GRID = {"code": " WC-01 ", "name_zh": "新区", "name_en": " New Area ", "center_lat": 31.95, "center_lon": 119.96,
        "radius_m": 600}
CATEGORY = {"slug": "e-bike", "name_zh": "电动车隐患", "name_en": "E-bike hazard", "hint_zh": None, "hint_en": None,
            "is_hazard": True, "active": True, "sort_order": None, "response_hours": 2, "resolution_hours": None}


@pytest.mark.parametrize("ref,data,model", [(services.GRID, GRID, Grid), (services.CATEGORY, CATEGORY, Category)],
                         ids=["grid", "category"])
def test_one_save_creates_updates_and_refuses_a_taken_short_name(app_ctx, ref, data, model):
    row = services.save_reference(ref, None, data)
    assert row.id and isinstance(row, model)
    assert getattr(row, ref.key) == data[ref.key].strip()       # text is trimmed
    again = services.save_reference(ref, row, {**data, "name_en": "Renamed"})  # its own name is no clash
    assert again is row and row.name_en == "Renamed"
    with pytest.raises(services.AdminError) as refused:
        services.save_reference(ref, None, {**data, "name_en": "Other"})
    assert refused.value.code == ref.taken
    assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 1


def test_category_fields_left_empty_get_their_defaults(app_ctx):
    category = services.save_category(None, CATEGORY)
    assert (category.hint_zh, category.hint_en, category.sort_order) == ("", "", 0)
    assert category.name_en == "E-bike hazard" and category.response_hours == 2


def test_the_named_savers_are_the_shared_one(app_ctx):
    grid = services.save_grid(None, GRID)
    assert grid.code == "WC-01" and grid.name_en == "New Area" and grid.radius_m == 600
    other = GridFactory(code="WC-02")
    with pytest.raises(services.AdminError, match="code_taken"):
        services.save_grid(other, GRID)
    CategoryFactory(slug="e-bike")
    with pytest.raises(services.AdminError, match="slug_taken"):
        services.save_category(None, CATEGORY)


@pytest.mark.postgresql_only  # SQLite's BEGIN IMMEDIATE holds the write lock from the check on
def test_a_code_saved_by_someone_else_after_the_check_is_a_refusal_not_a_500(fresh_app):
    """Two admins create the same grid at once: the check passes for both, the constraint decides."""
    with fresh_app.app_context():
        session, done = db.session(), []

        def other_admin_first(*_args):
            if done:
                return
            done.append(True)
            with db.engine.connect() as other:
                other.execute(sa.insert(Grid).values(code="WC-01", name_zh="甲", name_en="A", center_lat=31.95,
                                                     center_lon=119.96, radius_m=500))
                other.commit()

        sa.event.listen(session, "before_flush", other_admin_first)
        try:
            with pytest.raises(services.AdminError) as refused:
                services.save_grid(None, GRID)
        finally:
            sa.event.remove(session, "before_flush", other_admin_first)
        assert refused.value.code == "code_taken" and done
        db.session.rollback()
        assert db.session.scalars(sa.select(Grid.name_en)).all() == ["A"]


def test_user_search_takes_percent_and_underscore_as_typed(app_ctx):
    UserFactory(name="Ann_Lee"), UserFactory(name="Annxlee"), UserFactory(name="100% sure")
    assert [u.name for u in services.find_users("ann_")] == ["Ann_Lee"]
    assert [u.name for u in services.find_users("%")] == ["100% sure"]
    assert len(services.find_users("ann")) == 2
