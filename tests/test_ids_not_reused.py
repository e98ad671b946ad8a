"""A deleted row's id is never given to a new one: old links, feeds and flags keep their target.

SQLite hands out the highest id + 1 unless a table is AUTOINCREMENT, so deleting the newest
post gave its number to the next; PostgreSQL's sequences never go back.
"""

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, text

from forum import create_app
from forum.extensions import db
from forum.models import Flag, LoginSession, Post, Reason, User
from forum.services import sessions
from forum.services.deleting import delete_post
from forum.services.posts import Contribution, add_contribution
from tests.conftest import purge_deleted

# The tables whose ids are in URLs, cookies, feeds or other rows (flags, the audit log).
KEPT_IDS = ("users", "articles", "threads", "posts", "flags", "login_sessions")


def test_the_next_post_does_not_take_a_deleted_posts_number(thread, writer):
    add_contribution(thread, writer, Contribution("agree", "The first."))
    newest = add_contribution(thread, writer, Contribution("disagree", "The newest."))
    deleted_id = newest.id

    delete_post(newest, writer)
    purge_deleted()  # no replies: the row goes
    after = add_contribution(thread, writer, Contribution("agree", "Next."))

    assert db.session.get(Post, deleted_id) is None
    assert after.id > deleted_id


def made_and_unmade(make) -> tuple[int, int]:
    """The id of the newest row, deleted, and of the row made after it."""
    row = make()
    deleted_id = row.id
    db.session.delete(row)
    db.session.commit()
    return deleted_id, make().id


def test_threads_articles_and_users_do_not_reuse_ids(make_thread, make_article, make_user):
    for make in (make_thread, make_article, make_user):
        deleted_id, next_id = made_and_unmade(make)
        assert next_id > deleted_id, make


def test_flags_and_login_sessions_do_not_reuse_ids(post, reader):
    def flag() -> Flag:
        row = Flag(post=post, user=reader, reason=Reason.SPAM)
        db.session.add(row)
        db.session.commit()
        return row

    deleted_id, next_id = made_and_unmade(flag)
    assert next_id > deleted_id

    first = sessions.start(reader, "Firefox", remember=False).row
    db.session.execute(delete(LoginSession).where(LoginSession.id == first.id))
    db.session.commit()
    assert sessions.start(reader, "Firefox", remember=False).row.id > first.id


@pytest.fixture
def migrated(tmp_path):
    """A SQLite database built by the migrations (PostgreSQL needs none: see the migration)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite'}",
        }
    )
    with app.app_context():
        upgrade(revision="a7c3e9d40004")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, username_key, username_fold, email,"
                    " password_hash, role, display_name, bio, links, created_at, banned,"
                    " sanction_reason) VALUES (1, 'Line', 'line', 'llne', 'l@example.org', 'x',"
                    " 'author', 'Line Kjær', '', '', '2026-01-01 00:00:00', false, '')"
                )
            )
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_migration_makes_the_tables_autoincrement_and_keeps_the_rows(migrated):
    with db.engine.connect() as connection:
        schema = dict(connection.execute(text("SELECT name, sql FROM sqlite_master")).all())
        rows = connection.execute(text("SELECT id, display_name_fold FROM users")).all()

    assert {name for name in KEPT_IDS if "AUTOINCREMENT" in schema[name]} == set(KEPT_IDS)
    assert rows == [(1, "llnekjaer")]


def test_after_the_migration_a_deleted_users_id_is_not_reused(migrated):
    insert = text(
        "INSERT INTO users (username, username_key, username_fold, display_name_fold, email,"
        " password_hash, role, display_name, bio, links, created_at, banned, sanction_reason)"
        " VALUES (:name, :name, :name, '', :name || '@example.org', 'x', 'reader', '', '', '',"
        " '2026-01-01 00:00:00', false, '')"
    )
    with db.engine.begin() as connection:
        connection.execute(insert, {"name": "newest"})
        connection.execute(text("DELETE FROM users WHERE username = 'newest'"))
        connection.execute(insert, {"name": "next"})
        ids = connection.execute(text("SELECT id FROM users ORDER BY id")).scalars().all()

    assert ids == [1, 3]
    assert db.session.get(User, 3).username == "next"
