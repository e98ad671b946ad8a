"""Suspended and banned users may read but not write; bans end sessions; sanctions lift."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Flag, Post, PostRevision, Role, Thread, User, Vote, utcnow
from forum.moments import moment
from forum.services import moderation
from forum.services.posts import (
    Contribution,
    add_contribution,
    add_reply,
    edit_post,
    propose_thread,
)
from forum.services.votes import cast_vote

# The password of every user the conftest factories make.
PASSWORD = "correct horse battery"
REASON = "Insults in three threads"
ORIGINAL = "My original point."


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod", role=Role.MODERATOR)


@pytest.fixture
def others_post(thread, writer) -> Post:
    return add_contribution(thread, writer, Contribution("agree", "Someone else's point."))


@pytest.fixture
def own_post(thread, reader) -> Post:
    """The reader's post, written before any sanction."""
    return add_contribution(thread, reader, Contribution("disagree", ORIGINAL))


def suspend(user: User, moderator: User, days: int = 3):
    until = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
    moderation.suspend_user(user, moderator, until, REASON)
    return until


def ban(user: User, moderator: User) -> None:
    moderation.ban_user(user, moderator, REASON)


def sanction(kind: str, user: User, moderator: User) -> str:
    """Suspend or ban the user; the text the refusal must contain."""
    if kind == "suspended":
        until = suspend(user, moderator)
        return f"Your account is suspended until {moment(until)}: {REASON}"
    ban(user, moderator)
    return f"Your account is banned: {REASON}"


def writes(article, thread, own_post: Post, others_post: Post) -> dict[str, Callable]:
    """Every kind of write, as a function of the user who tries it."""
    return {
        "add_contribution": lambda user: add_contribution(
            thread, user, Contribution("agree", "A new point.")
        ),
        "add_reply": lambda user: add_reply(others_post, user, "A reply."),
        "edit_post": lambda user: edit_post(own_post, user, Contribution("disagree", "Changed.")),
        "propose_thread": lambda user: propose_thread(article, user, "A new topic"),
        "cast_vote": lambda user: cast_vote(others_post.id, user, 1),
        "flag_post": lambda user: moderation.flag_post(others_post, user, "spam"),
    }


WRITES = ["add_contribution", "add_reply", "edit_post", "propose_thread", "cast_vote", "flag_post"]


def stored_state() -> dict:
    """Everything the writes could add or change, read fresh from the database."""
    db.session.expire_all()

    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return {
        "posts": db.session.execute(
            select(Post.id, Post.body, Post.edited_at, Post.up, Post.reply_count).order_by(Post.id)
        ).all(),
        "threads": db.session.execute(
            select(Thread.id, Thread.agree_count, Thread.disagree_count, Thread.reply_count)
        ).all(),
        "votes": count(Vote),
        "flags": count(Flag),
        "revisions": count(PostRevision),
    }


def fresh_user(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- the services -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["suspended", "banned"])
@pytest.mark.parametrize("write", WRITES)
def test_a_sanctioned_user_is_refused_every_write_and_nothing_is_stored(
    article, thread, reader, moderator, own_post, others_post, kind, write
):
    message = sanction(kind, reader, moderator)
    before = stored_state()

    with pytest.raises(NotAllowed) as error:
        writes(article, thread, own_post, others_post)[write](fresh_user(reader))
    db.session.rollback()

    assert str(error.value.message) == message
    assert stored_state() == before


@pytest.mark.parametrize("write", WRITES)
def test_after_the_suspension_ends_the_user_can_write_again(
    article, thread, reader, moderator, own_post, others_post, write
):
    suspend(reader, moderator)
    user = fresh_user(reader)
    user.suspended_until = utcnow() - timedelta(minutes=1)  # the time has passed
    db.session.commit()
    before = stored_state()

    writes(article, thread, own_post, others_post)[write](fresh_user(reader))

    assert stored_state() != before


@pytest.mark.parametrize("write", WRITES)
def test_unban_restores_writing(article, thread, reader, moderator, own_post, others_post, write):
    ban(reader, moderator)
    moderation.unban_user(fresh_user(reader), moderator, "Appeal accepted.")
    before = stored_state()

    writes(article, thread, own_post, others_post)[write](fresh_user(reader))

    assert stored_state() != before


def test_a_suspended_user_without_a_reason_is_told_so(thread, reader):
    reader.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()

    with pytest.raises(NotAllowed) as error:
        add_contribution(thread, reader, Contribution("agree", "A point."))

    assert "no reason given" in str(error.value.message)


# --- through HTTP ------------------------------------------------------------------------


def requests(article, thread, own_post: Post, others_post: Post) -> dict[str, tuple[str, dict]]:
    """Each write as the form POST a browser sends."""
    return {
        "add_contribution": (
            f"/threads/{thread.id}/posts",
            {"stance": "agree", "body": "A new point."},
        ),
        "add_reply": (f"/posts/{others_post.id}/replies", {"body": "A reply."}),
        "edit_post": (f"/posts/{own_post.id}/edit", {"stance": "disagree", "body": "Changed."}),
        "propose_thread": (f"/articles/{article.slug}/threads/new", {"title": "A new topic"}),
        "cast_vote": (f"/posts/{others_post.id}/vote", {"value": "1"}),
        "flag_post": (f"/posts/{others_post.id}/flag", {"reason": "spam"}),
    }


@pytest.mark.parametrize("write", WRITES)
def test_a_suspended_user_gets_403_with_the_date_and_reason(
    client, log_in, article, thread, reader, moderator, own_post, others_post, write
):
    log_in(reader)
    message = sanction("suspended", reader, moderator)
    before = stored_state()
    url, data = requests(article, thread, own_post, others_post)[write]

    response = client.post(url, data=data)

    assert response.status_code == 403
    assert re.search(rf"<p( class=\"form-error\"[^>]*)?>{re.escape(message)}</p>", response.text)
    assert stored_state() == before


@pytest.mark.parametrize("write", WRITES)
def test_a_banned_user_s_session_cannot_write(
    client, log_in, article, thread, reader, moderator, own_post, others_post, write
):
    log_in(reader)
    ban(reader, moderator)
    before = stored_state()
    url, data = requests(article, thread, own_post, others_post)[write]

    response = client.post(url, data=data)

    # Logged out: what was sent comes back on the page that says so (nothing is saved).
    assert response.status_code == 401
    assert "You are no longer logged in, so nothing was saved." in response.text
    assert stored_state() == before


@pytest.mark.parametrize("write", WRITES)
def test_a_suspended_user_writes_again_through_http_once_the_time_has_passed(
    client, log_in, article, thread, reader, moderator, own_post, others_post, write
):
    log_in(reader)
    suspend(reader, moderator)
    user = fresh_user(reader)
    user.suspended_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = stored_state()
    url, data = requests(article, thread, own_post, others_post)[write]

    response = client.post(url, data=data)

    assert response.status_code == 302
    assert not response.headers["Location"].startswith("/auth/login")
    assert stored_state() != before


def test_a_suspended_user_can_still_read_and_sees_why_they_cannot_write(
    client, log_in, thread, reader, moderator, others_post
):
    log_in(reader)
    until = suspend(reader, moderator)

    response = client.get(f"/threads/{thread.id}")

    assert response.status_code == 200
    assert "Someone else's point." in response.text
    assert moment(until) in response.text
    assert REASON in response.text


def test_a_banned_user_cannot_log_in_and_is_told_why(client, reader, moderator):
    ban(reader, moderator)

    response = client.post("/auth/login", data={"username": "reader", "password": PASSWORD})

    assert response.status_code == 422
    assert f"This account is banned: {REASON}" in response.text
    home = client.get("/")
    assert "Log in" in home.text
    assert "Log out" not in home.text


def test_a_ban_ends_an_existing_session_on_the_next_request(client, log_in, reader, moderator):
    log_in(reader)
    assert "Log out" in client.get("/").text

    ban(reader, moderator)

    home = client.get("/")
    assert "Log in" in home.text
    assert "Log out" not in home.text


def test_after_an_unban_the_user_logs_in_and_writes_again(client, thread, reader, moderator):
    ban(reader, moderator)
    moderation.unban_user(fresh_user(reader), moderator)

    login = client.post("/auth/login", data={"username": "reader", "password": PASSWORD})
    response = client.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "Back again."}
    )

    assert login.status_code == 302
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Post.body).where(Post.author_id == reader.id)) == "Back again."
