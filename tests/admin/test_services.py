"""Admin services called directly: one save for every kind of reference data."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.factories import CategoryFactory, GridFactory, UserFactory
from tipboard.admin import services
from tipboard.database import is_unique_violation
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.tips.models import Category

GRID = {
    "code": " WC-01 ",
    "name_zh": "新区",
    "name_en": " New Area ",
    "center_lat": 31.95,
    "center_lon": 119.96,
    "radius_m": 600,
}
CATEGORY = {
    "slug": "e-bike",
    "name_zh": "电动车隐患",
    "name_en": "E-bike hazard",
    "hint_zh": None,
    "hint_en": None,
    "is_hazard": True,
    "active": True,
    "sort_order": None,
    "response_hours": 2,
    "resolution_hours": None,
}


@pytest.mark.parametrize(
    "ref,data,model",
    [(services.GRID, GRID, Grid), (services.CATEGORY, CATEGORY, Category)],
    ids=["grid", "category"],
)
def test_one_save_creates_updates_and_refuses_a_taken_short_name(app_ctx, ref, data, model):
    row = services.save_reference(ref, None, data)
    assert row.id and isinstance(row, model)
    assert getattr(row, ref.key) == data[ref.key].strip()  # text is trimmed
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
                other.execute(
                    sa.insert(Grid).values(
                        code="WC-01",
                        name_zh="甲",
                        name_en="A",
                        center_lat=31.95,
                        center_lon=119.96,
                        radius_m=500,
                    )
                )
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


REFERENCES = pytest.mark.parametrize(
    "ref,data,model",
    [(services.GRID, GRID, Grid), (services.CATEGORY, CATEGORY, Category)],
    ids=["grid", "category"],
)


def _row(model, key: str) -> dict:
    """Another row of ``model`` with the short name ``key``, as a plain INSERT's values."""
    if model is Grid:
        return {
            "code": key,
            "name_zh": "甲",
            "name_en": "A",
            "center_lat": 31.9,
            "center_lon": 119.9,
            "radius_m": 500,
        }
    return {
        "slug": key,
        "name_zh": "甲",
        "name_en": "A",
        "hint_zh": "",
        "hint_en": "",
        "is_hazard": False,
        "active": True,
        "sort_order": 0,
    }


@pytest.mark.parametrize("existing", [False, True], ids=["new", "renamed"])
@REFERENCES
def test_a_short_name_saved_after_the_check_is_a_taken_refusal_on_every_backend(
    app_ctx, ref, data, model, existing
):
    """The same race as below, within one transaction so SQLite can run it: the row with the same
    short name appears between the check and the flush; the key's unique constraint decides. Also
    for a row given a new short name, whose refused UPDATE must not fail the whole transaction."""
    obj = services.save_reference(ref, None, {**data, ref.key: "old-key"}) if existing else None
    db.session.commit()
    session, done = db.session(), []

    def someone_else_first(flushing, *_args):
        if not done:
            done.append(True)
            flushing.connection().execute(sa.insert(model).values(_row(model, data[ref.key].strip())))

    sa.event.listen(session, "before_flush", someone_else_first)
    try:
        with pytest.raises(services.AdminError) as refused:
            services.save_reference(ref, obj, data)
    finally:
        sa.event.remove(session, "before_flush", someone_else_first)
    assert refused.value.code == ref.taken and done
    if existing:
        db.session.refresh(obj)
        assert getattr(obj, ref.key) == "old-key"


@REFERENCES
def test_a_row_the_database_refuses_for_another_reason_is_refused_as_such_not_as_taken(
    app_ctx, ref, data, model
):
    """A NOT NULL column left None (the forms require the names; a caller that skips the form
    does not): not "that short name is taken", and nothing is saved."""
    with pytest.raises(services.AdminError) as refused:
        services.save_reference(ref, None, {**data, "name_en": None})
    assert refused.value.code == ref.refused != ref.taken
    row = services.save_reference(ref, None, data)  # the session goes on working
    db.session.commit()  # as the view does: an update comes in a later request
    with pytest.raises(services.AdminError) as refused:
        services.save_reference(ref, row, {**data, "name_zh": None})
    assert refused.value.code == ref.refused
    db.session.refresh(row)
    assert row.name_zh == data["name_zh"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 1


@REFERENCES
def test_a_value_too_long_for_its_column_is_refused_not_a_500(app_ctx, ref, data, model):
    """PostgreSQL holds a name to its column's length (SQLite stores any length, so there the
    row is saved); a caller that skips the form's length check gets ``ref.refused``."""
    too_long = {**data, "name_en": "x" * (model.__table__.c.name_en.type.length + 1)}
    if db.engine.dialect.name == "sqlite":
        assert services.save_reference(ref, None, too_long).id
        return
    with pytest.raises(services.AdminError) as refused:
        services.save_reference(ref, None, too_long)
    assert refused.value.code == ref.refused
    assert services.save_reference(ref, None, data).id  # the session goes on working
    assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 1


def _integrity_error(statement) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, db.session.begin_nested():
        db.session.execute(statement)
    return caught.value


def test_a_unique_violation_is_told_from_other_constraints_and_other_columns(app_ctx):
    CategoryFactory(slug="fire")
    taken = _integrity_error(sa.insert(Category).values(_row(Category, "fire")))
    assert is_unique_violation(taken, "category", "slug")
    assert not is_unique_violation(taken, "category", "name_en")
    assert not is_unique_violation(taken, "grid", "code")
    missing = _integrity_error(sa.insert(Category).values({**_row(Category, "smoke"), "name_en": None}))
    assert not is_unique_violation(missing, "category", "slug")
    GridFactory(code="WC-01")
    assert is_unique_violation(_integrity_error(sa.insert(Grid).values(_row(Grid, "WC-01"))), "grid", "code")


def test_user_search_takes_percent_and_underscore_as_typed(app_ctx):
    UserFactory(name="Ann_Lee"), UserFactory(name="Annxlee"), UserFactory(name="100% sure")
    assert [u.name for u in services.find_users("ann_")] == ["Ann_Lee"]
    assert [u.name for u in services.find_users("%")] == ["100% sure"]
    assert len(services.find_users("ann")) == 2
