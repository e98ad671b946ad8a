"""The migrations build the schema the models describe, and can be undone and redone."""

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from forum import create_app
from forum.extensions import db


def run_sql(url: str, statement: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def bare_app(request, tmp_path) -> Iterator[Flask]:
    """An app whose database (SQLite file, or PostgreSQL schema) has no tables yet."""
    config: dict = {"TESTING": True, "SECRET_KEY": "test"}
    schema = None
    if request.param == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'bare.sqlite'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
        schema = f"migrations_{uuid.uuid4().hex[:12]}"
        run_sql(url, f'CREATE SCHEMA "{schema}"')
        config["SQLALCHEMY_DATABASE_URI"] = url
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": f"-csearch_path={schema}"}
        }
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if schema:
        run_sql(config["SQLALCHEMY_DATABASE_URI"], f'DROP SCHEMA "{schema}" CASCADE')


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        return compare_metadata(context, db.metadata)


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_upgrade_builds_the_models_schema(bare_app):
    upgrade()
    assert {"users", "articles", "threads", "posts", "votes", "flags", "audit_log"} <= tables()
    assert schema_differences() == []


def test_downgrade_to_base_and_upgrade_again(bare_app):
    upgrade()
    downgrade(revision="base")
    assert tables() == {"alembic_version"}
    upgrade()
    assert schema_differences() == []


def test_upgrading_a_forum_with_content_keeps_it_and_folds_the_names(bare_app):
    # The revision before this round's: rows that point at users, as on a live site.
    upgrade(revision="52b24ab009dc")
    statements = [
        "INSERT INTO users (id, username, username_key, email, password_hash, role,"
        " display_name, bio, links, created_at, banned, sanction_reason, session_token)"
        " VALUES (1, 'Mod_Jonas', 'mod_jonas', 'j@example.org', 'x', 'reader', '', '', '',"
        " '2026-01-01 00:00:00', false, '', '')",
        "INSERT INTO audit_log (id, actor_id, action, reason, created_at)"
        " VALUES (1, 1, 'ban', '', '2026-01-01 00:00:00')",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))

    upgrade()

    with db.engine.connect() as connection:
        # Rebuilding the users table must neither fail nor cut the rows that point at it.
        assert connection.execute(text("SELECT actor_id FROM audit_log")).all() == [(1,)]
        folded = connection.execute(text("SELECT username_fold FROM users")).all()
    assert folded == [("modjonas",)]
    assert schema_differences() == []
