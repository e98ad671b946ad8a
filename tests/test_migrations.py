"""The migrations build the schema the models describe, and can be undone and redone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from forum import create_app
from forum.extensions import db


@pytest.fixture
def bare_app(app_config):
    """An app whose database has no tables yet."""
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_the_models_schema(bare_app):
    upgrade()
    assert {"users", "articles", "threads", "posts", "post_revisions", "tags"} <= set(
        inspect(db.engine).get_table_names()
    )
    assert schema_differences() == []


def test_downgrade_to_base_and_upgrade_again(bare_app):
    upgrade()
    downgrade(revision="base")
    assert inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert schema_differences() == []
