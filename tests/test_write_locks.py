"""Every write gives up once on a held SQLite write lock: 503 after FLASK_SQLITE_BUSY_TIMEOUT.

Another connection holds SQLite's write lock (BEGIN IMMEDIATE) while a reader or moderator
writes. Each write must wait for the lock once (the busy timeout) and then answer 503 with the
text kept, never wait a second time in another statement. The tests count the statements that
met the held lock, not the seconds: one wait is one statement refused as "locked".
"""

import sqlite3

import pytest
from flask import current_app
from sqlalchemy import event, func, select

from forum.extensions import db
from forum.models import AuditEntry, Flag, Post, Role, Vote
from tests.conftest import PASSWORD, writes_locked

BUSY_TIMEOUT_MS = 100
BODY = "Careers pages are read by nobody; ask the people who already work there instead."


@pytest.fixture
def app_config(app_config: dict) -> dict:
    if "sqlite" not in app_config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("SQLite's write lock and busy timeout: PostgreSQL locks rows, not the file")
    return {**app_config, "SQLITE_BUSY_TIMEOUT": BUSY_TIMEOUT_MS}


def post_under_lock(client, path: str, data: dict, **kwargs):
    """The answer, and how many of its statements waited for the held lock and were refused."""
    waits = []

    def count_wait(context) -> None:
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            waits.append(context.statement)

    db.session.commit()
    event.listen(db.engine, "handle_error", count_wait)
    try:
        with writes_locked(current_app):
            response = client.post(path, data=data, **kwargs)
    finally:
        event.remove(db.engine, "handle_error", count_wait)
    return response, waits


def assert_gave_up_once(response, waits: list, kept: str | None = None) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert len(waits) == 1, f"waited for the lock in {len(waits)} statements: {waits}"
    if response.is_json:
        assert "Nothing was saved" in response.json["error"]
    else:
        assert "Nothing was saved" in response.text
        if kept is not None:
            assert kept in response.text


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def moderator_client(app, make_user):
    moderator = make_user("mod", role=Role.MODERATOR)
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"username": moderator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_vote_gives_up_once(as_reader, post, accept):
    post_id = post.id

    response, waits = post_under_lock(
        as_reader, f"/posts/{post_id}/vote", {"value": "1"}, headers={"Accept": accept}
    )

    assert_gave_up_once(response, waits)
    assert count(Vote) == 0


def test_a_contribution_gives_up_once(as_reader, thread):
    thread_id = thread.id
    before = count(Post)

    response, waits = post_under_lock(
        as_reader, f"/threads/{thread_id}/posts", {"stance": "agree", "body": BODY}
    )

    assert_gave_up_once(response, waits, kept=BODY)
    assert count(Post) == before


def test_a_reply_gives_up_once(as_reader, post):
    post_id = post.id
    before = count(Post)

    response, waits = post_under_lock(as_reader, f"/posts/{post_id}/replies", {"body": BODY})

    assert_gave_up_once(response, waits, kept=BODY)
    assert count(Post) == before


def test_a_flag_gives_up_once(as_reader, post):
    post_id = post.id

    response, waits = post_under_lock(
        as_reader, f"/posts/{post_id}/flag", {"reason": "spam", "details": "Sold shoes."}
    )

    assert_gave_up_once(response, waits, kept="Sold shoes.")
    assert count(Flag) == 0


def test_an_edit_gives_up_once(as_reader, reader, thread):
    from forum.services.posts import Contribution, add_contribution

    mine = add_contribution(thread, reader, Contribution("agree", "My first words."))
    post_id = mine.id

    response, waits = post_under_lock(
        as_reader, f"/posts/{post_id}/edit", {"stance": "agree", "body": BODY}
    )

    assert_gave_up_once(response, waits, kept=BODY)
    db.session.expire_all()
    assert db.session.get(Post, post_id).body == "My first words."


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("posts/{post}/hide", {"reason": "spam"}),
        ("threads/{thread}/lock", {}),
        ("articles/{slug}/close", {}),
    ],
)
def test_a_moderators_action_gives_up_once(moderator_client, post, action, data):
    path = "/moderation/" + action.format(
        post=post.id, thread=post.thread_id, slug=post.thread.article.slug
    )

    response, waits = post_under_lock(moderator_client, path, data)

    assert_gave_up_once(response, waits)
    assert count(AuditEntry) == 0
