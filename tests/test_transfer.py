"""Export to JSON and import into an empty database: a second export is byte-identical."""

import io
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from forum import create_app
from forum.extensions import db
from forum.models import (
    Action,
    Base,
    EmailKind,
    EmailMode,
    Post,
    Role,
    Setting,
    Thread,
    ThreadOrigin,
    User,
    Vote,
    utcnow,
)
from forum.services import (
    moderation,
    newsletter,
    newsletter_issues,
    notification_mail,
    sessions,
)
from forum.services.articles import ArticleDraft, create_article
from forum.services.deleting import delete_post
from forum.services.posts import (
    Contribution,
    add_contribution,
    add_reply,
    edit_post,
    propose_thread,
)
from forum.services.settings import save_settings
from forum.services.transfer import NotEmpty, export_data, import_data
from forum.services.votes import cast_vote

TABLES = {table.name for table in Base.metadata.sorted_tables}


# --- helpers ------------------------------------------------------------------------------


def export_text() -> str:
    out = io.StringIO()
    export_data(out)
    return out.getvalue()


def import_text(data: str) -> dict[str, int]:
    return import_data(io.StringIO(data))


def row_counts(data: str) -> dict[str, int]:
    return {name: len(rows) for name, rows in json.loads(data)["tables"].items()}


@contextmanager
def other_app(app_config: dict, uri: str, engine_options: dict | None = None) -> Iterator[Flask]:
    """A second app on an empty database of its own, its app context pushed."""
    config = {**app_config, "SQLALCHEMY_DATABASE_URI": uri}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    if engine_options is not None:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app = create_app(config)
    with app.app_context():
        try:
            db.create_all()
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def run_sql(uri: str, statement: str) -> None:
    engine = create_engine(uri)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def forum_content(make_user) -> None:
    """A bit of everything the forum stores, made through the services."""
    reader = make_user(
        "reader",
        display_name="Åse Læser",
        bio="Reads *everything*.",
        links="https://example.org/åse\nhttps://example.dk",
        locale="da",
    )
    writer = make_user("writer")
    critic = make_user("critic")
    author = make_user("author", role=Role.AUTHOR)
    moderator = make_user("moderator", role=Role.MODERATOR)
    admin = make_user("admin", role=Role.ADMIN)

    published = create_article(
        author,
        ArticleDraft(
            title="Employer branding på LinkedIn",
            lede="Does it pay? “Quotes” & <angle brackets>.",
            body="# Why\n\nSome *Markdown*, a [link](https://example.org) and `code`.",
            questions="Does it work for hiring?\nWho pays for it?",
            language="da",
            tags="Hiring, LinkedIn, Æblegrød",
        ),
        publish=True,
    )
    create_article(
        author,
        ArticleDraft(
            title="Unfinished thoughts",
            lede="Later.",
            body="Not yet.",
            questions="",
            language="en",
            tags="Hiring, Drafts",
        ),
    )
    thread = db.session.scalar(
        select(Thread)
        .where(Thread.article_id == published.id, Thread.origin == ThreadOrigin.QUESTION)
        .order_by(Thread.position)
    )
    proposed = propose_thread(published, reader, "What about small firms?", "Asking for a friend.")

    agreement = add_contribution(thread, reader, Contribution("agree", "Yes, *very* much."))
    disagreement = add_contribution(
        thread, writer, Contribution("disagree", "Only for large firms — “brands”.")
    )
    example = add_contribution(
        thread,
        critic,
        Contribution(
            stance="example",
            body="Their hiring films doubled applications.",
            organisation="Havnens Bryggeri",
            channel="tiktok",
            source_url="https://example.org/case",
            effect="supports",
        ),
    )
    add_contribution(
        thread,
        writer,
        Contribution(
            stance="example",
            body="No effect.",
            organisation="Nordlys",
            channel="blog",
            effect="challenges",
        ),
    )
    add_reply(disagreement, author, "Small firms can do it too.")
    add_reply(agreement, critic, "Agreed, with reservations.")
    edit_post(agreement, reader, Contribution("agree", "Yes, very much — after some thought."))

    cast_vote(disagreement.id, reader, 1)
    cast_vote(disagreement.id, critic, 1)
    cast_vote(example.id, reader, -1)
    cast_vote(agreement.id, writer, 1)

    moderation.flag_post(example, reader, "misleading", "Not a real case.")
    dismissed = moderation.flag_post(agreement, critic, "off_topic")
    moderation.dismiss_flag(dismissed, moderator)
    spam = add_contribution(proposed, writer, Contribution("disagree", "Buy cheap pills."))
    moderation.flag_post(spam, reader, "spam")
    moderation.hide_post(spam, moderator, "spam", "Advertising.")
    moderation.set_featured(disagreement, moderator, True)
    moderation.set_thread_state(proposed, moderator, Action.PIN)

    doomed = add_contribution(proposed, critic, Contribution("agree", "To be deleted."))
    add_reply(doomed, reader, "Keeps its place.")
    delete_post(doomed, critic)

    save_settings(moderator, 2, "miracle\nquick fix", "idiot")
    newcomer = make_user("newcomer")
    add_contribution(proposed, newcomer, Contribution("agree", "A miracle, truly."))
    rejected = add_contribution(proposed, newcomer, Contribution("agree", "Another one."))
    moderation.reject_post(rejected, moderator, "duplicate", "Said twice.")
    moderation.suspend_user(writer, moderator, utcnow() + timedelta(days=3), "Spamming.")
    moderation.change_role(critic, admin, "author")
    # Moved with the rest, readers stay logged in on the new database.
    sessions.start(reader, "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", remember=True)
    notification_mail.choose(reader, {EmailKind.NEW_POSTS: EmailMode.OFF})
    subscriber = newsletter.subscribe("tove@example.dk", "da").subscriber
    newsletter.confirm(subscriber)
    newsletter_issues.add_deliveries(newsletter_issues.make_issue(utcnow()))


# --- the round trip -----------------------------------------------------------------------


def test_the_content_fills_every_table(forum_content):
    counts = row_counts(export_text())

    assert set(counts) == TABLES
    assert {name for name, rows in counts.items() if rows == 0} == set()


def test_export_then_import_into_an_empty_database_then_export_is_identical(
    forum_content, app_config, tmp_path
):
    original = export_text()

    with other_app(app_config, f"sqlite:///{tmp_path / 'copy.sqlite'}"):
        counts = import_text(original)
        db.session.expire_all()
        copy = export_text()

    assert counts == row_counts(original)
    assert copy == original


def test_two_exports_of_one_state_are_identical(forum_content):
    assert export_text() == export_text()


def test_an_export_of_an_empty_database_imports_and_exports_the_same(app, app_config, tmp_path):
    original = export_text()

    with other_app(app_config, f"sqlite:///{tmp_path / 'copy.sqlite'}"):
        import_text(original)
        copy = export_text()

    assert copy == original
    assert set(row_counts(original).values()) == {0}


def test_the_imported_copy_takes_new_rows_after_the_imported_ones(
    forum_content, app_config, tmp_path
):
    original = export_text()

    with other_app(app_config, f"sqlite:///{tmp_path / 'copy.sqlite'}"):
        import_text(original)
        new_ids = add_rows_after_import()

    assert new_ids == {table: highest_id(original, table) + 1 for table in new_ids}


# --- refusals ---------------------------------------------------------------------------


def test_import_into_a_database_with_content_is_refused_and_changes_nothing(forum_content):
    original = export_text()

    with pytest.raises(NotEmpty):
        import_text(original)
    db.session.rollback()

    db.session.expire_all()
    assert export_text() == original


def test_import_is_refused_when_a_single_table_has_rows(forum_content, app_config, tmp_path):
    original = export_text()

    with other_app(app_config, f"sqlite:///{tmp_path / 'copy.sqlite'}"):
        db.session.add(Setting(key="hold_first_posts", value="1"))
        db.session.commit()
        before = export_text()

        with pytest.raises(NotEmpty):
            import_text(original)
        db.session.rollback()

        db.session.expire_all()
        assert export_text() == before


def test_import_of_an_unknown_format_is_refused(app, app_config, tmp_path):
    with other_app(app_config, f"sqlite:///{tmp_path / 'copy.sqlite'}"):
        with pytest.raises(ValueError):
            import_text(json.dumps({"format": 999, "tables": {}}))

        assert db.session.scalar(select(func.count()).select_from(User)) == 0


# --- the commands -----------------------------------------------------------------------


def test_the_export_and_import_commands_print_counts_and_round_trip(
    forum_content, runner, app_config, tmp_path
):
    path = tmp_path / "forum.json"

    exported = runner.invoke(args=["export", str(path)])

    assert exported.exit_code == 0, exported.output
    original = path.read_text(encoding="utf-8")
    total = sum(row_counts(original).values())
    assert total > 0
    assert exported.output.strip() == f"Exported {total} rows to {path}."

    with other_app(app_config, f"sqlite:///{tmp_path / 'copy.sqlite'}") as copy:
        imported = copy.test_cli_runner().invoke(args=["import", str(path)])

        assert imported.exit_code == 0, imported.output
        assert imported.output.strip() == f"Imported {total} rows from {path}."
        db.session.expire_all()
        assert export_text() == original


def test_the_import_command_refuses_a_database_with_content(forum_content, runner, tmp_path):
    path = tmp_path / "forum.json"
    runner.invoke(args=["export", str(path)])
    original = path.read_text(encoding="utf-8")

    result = runner.invoke(args=["import", str(path)])

    assert result.exit_code != 0
    assert "already has rows" in result.output
    db.session.expire_all()
    assert export_text() == original


# --- SQLite to PostgreSQL and back --------------------------------------------------------


@pytest.fixture(params=["UTC", "Europe/Copenhagen"])
def postgres_schema(request) -> Iterator[tuple[str, dict]]:
    """A fresh PostgreSQL schema: the URL and the engine options that point at it.

    The sessions run in UTC and in a local time zone: servers are often set up with the
    time zone of the machine, and an export must not depend on it.
    """
    uri = os.environ.get("TEST_DATABASE_URL")
    if not uri:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to round-trip through")
    schema = f"transfer_{uuid.uuid4().hex[:12]}"
    run_sql(uri, f'CREATE SCHEMA "{schema}"')
    options = f"-csearch_path={schema} -ctimezone={request.param}"
    try:
        yield uri, {"pool_pre_ping": True, "connect_args": {"options": options}}
    finally:
        run_sql(uri, f'DROP SCHEMA "{schema}" CASCADE')


def highest_id(data: str, table: str) -> int:
    return max(row["id"] for row in json.loads(data)["tables"][table])


def add_rows_after_import() -> dict[str, int]:
    """Write a user, a post, a vote and a flag through the services; their ids by table."""
    thread = db.session.scalar(select(Thread).order_by(Thread.id))
    voted = db.session.scalar(select(Post).where(Post.listed(), Post.parent_id.is_(None)))
    user = User(username="latecomer", email="late@example.org", password_hash="x")
    db.session.add(user)
    db.session.commit()
    post = add_contribution(thread, user, Contribution("agree", "New after the move."))
    cast_vote(voted.id, user, 1)
    flag = moderation.flag_post(voted, user, "spam")
    vote_id = db.session.scalar(select(Vote.id).where(Vote.user_id == user.id))
    return {"users": user.id, "posts": post.id, "votes": vote_id, "flags": flag.id}


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back_keeps_every_byte(
    forum_content, app_config, tmp_path, postgres_schema
):
    uri, options = postgres_schema
    original = export_text()

    with other_app(app_config, uri, options):
        assert db.session.get_bind().dialect.name == "postgresql"
        counts = import_text(original)
        db.session.expire_all()
        from_postgresql = export_text()
        new_ids = add_rows_after_import()

    assert counts == row_counts(original)
    assert new_ids == {table: highest_id(original, table) + 1 for table in new_ids}
    assert from_postgresql == original

    with other_app(app_config, f"sqlite:///{tmp_path / 'back.sqlite'}"):
        import_text(from_postgresql)
        db.session.expire_all()
        back = export_text()

    assert back == original
