"""The schema exists only through migrations: the migrated database matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tipboard.database import include_in_autogenerate
from tipboard.extensions import db


def test_migrated_schema_matches_models(app):
    with app.app_context():
        context = MigrationContext.configure(
            db.session.connection(), opts={"compare_type": True, "include_object": include_in_autogenerate}
        )
        diff = [d for d in _flatten(compare_metadata(context, db.metadata)) if not _expression_index(d)]
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def _flatten(diffs):
    for d in diffs:
        yield from (_flatten(d) if isinstance(d, list) else [d])


def _expression_index(diff) -> bool:
    """Expression indexes (written by hand in their migration) cannot be compared."""
    return (
        isinstance(diff, tuple)
        and diff[0] in ("add_index", "remove_index")
        and not include_in_autogenerate(diff[1], diff[1].name, "index", False, None)
    )


def test_every_table_has_a_primary_key(app):
    for table in db.metadata.sorted_tables:
        assert table.primary_key.columns, table.name


def test_migrations_go_down_and_up_again(fresh_app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    with fresh_app.app_context():
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() in ([], ["alembic_version"])
        upgrade()
        assert "tip" in sa.inspect(db.engine).get_table_names()
