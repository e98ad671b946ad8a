"""Every write gives up once on a held SQLite write lock: 503 within FLASK_SQLITE_BUSY_TIMEOUT.

Another connection holds SQLite's write lock (BEGIN IMMEDIATE) while a reader or moderator
writes. Each write must wait for the lock once (the busy timeout) and then answer 503 with the
text kept, never wait a second time in another statement.

The timing bound is relative to the setting, not a speed target. With a 1 s busy timeout one
wait answers in about 1 s and two waits in about 2 s. On a loaded machine SQLite's busy
handler oversleeps (it waits in steps of up to 100 ms), so each test first times one bare wait
for the same lock on the same machine, and allows the request that plus half the timeout: room
for the request itself, and still well short of a second wait. The lower bound (0.9 times the
timeout) shows the write did wait for the lock rather than give up at once.
"""

import sqlite3
import time

import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, Flag, Post, Role, Vote
from tests.conftest import PASSWORD, writes_locked

BUSY_TIMEOUT_MS = 1000
SLACK = 0.5
LOWER = 0.9
BODY = "Careers pages are read by nobody; ask the people who already work there instead."


@pytest.fixture
def app_config(app_config: dict) -> dict:
    if "sqlite" not in app_config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("SQLite's write lock and busy timeout: PostgreSQL locks rows, not the file")
    return {**app_config, "SQLITE_BUSY_TIMEOUT": BUSY_TIMEOUT_MS}


def one_wait() -> float:
    """How long one bare connection with the busy timeout waits for the held lock here."""
    waiter = sqlite3.connect(
        db.engine.url.database, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
    )
    started = time.monotonic()
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            waiter.execute("BEGIN IMMEDIATE")
        return time.monotonic() - started
    finally:
        waiter.close()


def timed_post(client, path: str, data: dict, **kwargs):
    """The answer, how long it took, and how long one bare wait for the same lock took."""
    db.session.commit()
    with writes_locked(current_app):
        reference = one_wait()
        started = time.monotonic()
        response = client.post(path, data=data, **kwargs)
        elapsed = time.monotonic() - started
    return response, (elapsed, reference)


def assert_gave_up_once(response, timing: tuple[float, float], kept: str | None = None) -> None:
    elapsed, reference = timing
    timeout = BUSY_TIMEOUT_MS / 1000
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert LOWER * timeout <= elapsed < reference + SLACK * timeout, (
        f"answered after {elapsed:.3f} s; one wait for the lock takes {reference:.3f} s"
    )
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

    response, elapsed = timed_post(
        as_reader, f"/posts/{post_id}/vote", {"value": "1"}, headers={"Accept": accept}
    )

    assert_gave_up_once(response, elapsed)
    assert count(Vote) == 0


def test_a_contribution_gives_up_once(as_reader, thread):
    thread_id = thread.id
    before = count(Post)

    response, elapsed = timed_post(
        as_reader, f"/threads/{thread_id}/posts", {"stance": "agree", "body": BODY}
    )

    assert_gave_up_once(response, elapsed, kept=BODY)
    assert count(Post) == before


def test_a_reply_gives_up_once(as_reader, post):
    post_id = post.id
    before = count(Post)

    response, elapsed = timed_post(as_reader, f"/posts/{post_id}/replies", {"body": BODY})

    assert_gave_up_once(response, elapsed, kept=BODY)
    assert count(Post) == before


def test_a_flag_gives_up_once(as_reader, post):
    post_id = post.id

    response, elapsed = timed_post(
        as_reader, f"/posts/{post_id}/flag", {"reason": "spam", "details": "Sold shoes."}
    )

    assert_gave_up_once(response, elapsed, kept="Sold shoes.")
    assert count(Flag) == 0


def test_an_edit_gives_up_once(as_reader, reader, thread):
    from forum.services.posts import Contribution, add_contribution

    mine = add_contribution(thread, reader, Contribution("agree", "My first words."))
    post_id = mine.id

    response, elapsed = timed_post(
        as_reader, f"/posts/{post_id}/edit", {"stance": "agree", "body": BODY}
    )

    assert_gave_up_once(response, elapsed, kept=BODY)
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

    response, elapsed = timed_post(moderator_client, path, data)

    assert_gave_up_once(response, elapsed)
    assert count(AuditEntry) == 0
