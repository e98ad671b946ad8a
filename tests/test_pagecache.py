"""Pages are cached until the next write: whole for visitors, with holes for readers."""

import os
import re
import uuid
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from forum import create_app, pagecache
from forum.extensions import db
from forum.models import PostStatus, Role, Setting, utcnow
from forum.pagecache import VERSION_KEY
from forum.services import moderation, posts, votes
from forum.services.posts import Contribution
from tests.conftest import PASSWORD


def version() -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(Setting.value).where(Setting.key == VERSION_KEY))


def test_a_visitor_gets_the_cached_page_the_second_time(client, thread, make_post):
    make_post(thread=thread, body="Cached words")
    first = client.get(f"/threads/{thread.id}")
    second = client.get(f"/threads/{thread.id}")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.text == first.text
    assert "default-src 'self'" in second.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/", "/articles/employer-branding", "/threads/{thread}"])
def test_any_write_shows_at_once(client, thread, reader, make_user, url):
    url = url.format(thread=thread.id)
    post = posts.add_contribution(thread, reader, Contribution("agree", "First point"))
    client.get(url)
    assert client.get(url).headers["X-Cache"] == "hit"

    votes.cast_vote(post, make_user(), 1)

    fresh = client.get(url)
    assert fresh.headers["X-Cache"] == "miss"
    if url.startswith("/threads"):
        assert 'data-score="1"' in fresh.text


def test_reads_do_not_bump_the_version(client, thread):
    client.get(f"/threads/{thread.id}")
    before = version()
    client.get(f"/threads/{thread.id}")
    client.get("/")
    assert version() == before


def test_every_committed_write_bumps_the_version(thread, reader):
    before = int(version())  # the fixtures wrote
    posts.add_contribution(thread, reader, Contribution("agree", "A point"))
    assert int(version()) == before + 1


def test_a_commit_that_flushes_only_at_the_end_bumps_the_version(thread, reader):
    before = int(version())
    thread.title = "Renamed"  # no query before the commit, so the commit itself flushes
    db.session.commit()
    assert int(version()) == before + 1


def test_each_database_starts_its_version_at_a_random_number(app, make_user):
    starts = set()
    for _ in range(3):
        db.session.execute(delete(Setting).where(Setting.key == VERSION_KEY))
        db.session.commit()
        make_user()
        starts.add(version())
    # Pages a shared cache kept from another database never match this one's keys.
    assert len(starts) == 3


class OtherBase(DeclarativeBase):
    """The models of some other code in the same process."""


class Note(OtherBase):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


def test_sessions_of_other_code_in_the_process_are_left_alone(app):
    """A script or app beside the forum keeps its own database to itself."""
    other = create_engine("sqlite://")
    OtherBase.metadata.create_all(other)
    with Session(other) as session:
        session.add(Note(body="mine"))
        session.commit()  # with the forum's listeners on it, this would look for `settings`
        assert session.scalar(select(Note.body)) == "mine"


def signed_in(app, user) -> FlaskClient:
    client = app.test_client()
    data = {"username": user.username, "password": PASSWORD}
    response = client.post("/auth/login", data=data, follow_redirects=True)
    assert "You are logged in." in response.text  # the message, shown: the next page is plain
    return client


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens and with times as their datetime attributes alone: a
    page rendered a second later says "2 seconds ago" where the first said "1 second ago"."""
    html = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', "csrf", html)
    return re.sub(r"(<time [^>]*>)[^<]*(</time>)", r"\1\2", html)


def test_readers_share_a_thread_page_each_with_their_own_votes(app, thread, make_post, make_user):
    post = make_post(thread=thread, body="Shared words")
    ann, bo = make_user("ann"), make_user("bo")
    votes.cast_vote(post, ann, 1)
    url = f"/threads/{thread.id}"

    first = signed_in(app, ann).get(url)
    second = signed_in(app, bo).get(url)

    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert 'aria-pressed="true"' in first.text and 'aria-pressed="true"' not in second.text
    assert '<a href="/users/ann">ann</a>' in first.text and "/users/ann" not in second.text
    assert '<a href="/users/bo">bo</a>' in second.text
    assert app.extensions["pagecache_marker"] not in first.text + second.text


def test_a_reader_gets_the_page_that_would_be_rendered_for_them(
    app, thread, make_post, make_user, monkeypatch
):
    contribution = make_post(thread=thread, body="Agreed")
    reply = make_post(parent=contribution, body="Not quite")
    make_post(thread=thread, stance="example", body="An example", organisation="Acme")
    for role in (Role.READER, Role.AUTHOR):
        user = make_user(role=role)
        votes.cast_vote(contribution, user, 1)
        votes.cast_vote(reply, user, -1)
        client = signed_in(app, user)
        for url in (f"/threads/{thread.id}", f"/threads/{thread.id}?sort=new&per_page=1"):
            shared = client.get(url)
            monkeypatch.setattr(pagecache, "PERSONALISERS", {})
            own = client.get(url)
            monkeypatch.undo()
            assert shared.headers["X-Cache"] in ("hit", "miss") and "X-Cache" not in own.headers
            assert without_tokens(shared.text) == without_tokens(own.text)


def test_a_readers_own_posts_in_a_shared_page_are_shown_as_to_their_author(
    app, thread, make_post, make_user, reader, monkeypatch
):
    other = make_post(thread=thread, body="Someone else's point")
    mine = make_post(thread=thread, author=reader, body="My point")
    my_reply = make_post(parent=other, author=reader, body="My answer")
    hidden = make_post(thread=thread, author=reader, body="My hidden words")
    moderation.hide_post(hidden, make_user(role=Role.MODERATOR), "spam")
    votes.cast_vote(other, reader, 1)
    client = signed_in(app, reader)
    signed_in(app, make_user()).get(f"/threads/{thread.id}")  # the page others share

    shared = client.get(f"/threads/{thread.id}")
    monkeypatch.setattr(pagecache, "PERSONALISERS", {})
    own = client.get(f"/threads/{thread.id}")

    assert shared.headers["X-Cache"] == "hit"
    assert f"/posts/{mine.id}/edit" in shared.text and f"/posts/{my_reply.id}/edit" in shared.text
    assert "My hidden words" in shared.text and 'aria-pressed="true"' in shared.text
    assert without_tokens(shared.text) == without_tokens(own.text)


def test_others_do_not_see_a_readers_own_view_of_their_posts(
    app, thread, make_post, make_user, reader
):
    mine = make_post(thread=thread, author=reader, body="My point")
    author, other = signed_in(app, reader), signed_in(app, make_user())
    author.get(f"/threads/{thread.id}")

    page = other.get(f"/threads/{thread.id}")

    assert page.headers["X-Cache"] == "hit"
    assert f"/posts/{mine.id}/edit" not in page.text and "My point" in page.text


def test_a_reader_with_a_post_waiting_sees_it_though_others_share_the_page(
    app, thread, make_post, make_user, reader
):
    make_post(thread=thread, body="Someone else's point")
    held = make_post(thread=thread, author=reader, body="Waiting", status=PostStatus.HELD)
    signed_in(app, make_user()).get(f"/threads/{thread.id}")

    page = signed_in(app, reader).get(f"/threads/{thread.id}")

    assert "X-Cache" not in page.headers and f'id="post-{held.id}"' in page.text


def test_a_reader_who_flagged_a_post_sees_that_they_did(app, thread, make_post, reader):
    post = make_post(thread=thread, body="Doubtful")
    moderation.flag_post(post, reader, "spam")

    page = signed_in(app, reader).get(f"/threads/{thread.id}")

    assert "You flagged this post." in page.text


def test_moderators_and_suspended_readers_get_pages_of_their_own(
    app, thread, make_post, make_user
):
    make_post(thread=thread, body="A point")
    moderator = make_user(role=Role.MODERATOR)
    suspended = make_user()
    moderation.suspend_user(suspended, moderator, utcnow() + timedelta(days=1), "Rude")
    signed_in(app, make_user()).get(f"/threads/{thread.id}")

    for user, shown in ((moderator, "Moderate"), (suspended, "Your account is suspended")):
        page = signed_in(app, user).get(f"/threads/{thread.id}")
        assert "X-Cache" not in page.headers and shown in page.text


def test_a_vote_shows_in_the_next_shared_page(app, thread, make_post, make_user):
    post = make_post(thread=thread, body="A point")
    client = signed_in(app, make_user())
    client.get(f"/threads/{thread.id}")

    votes.cast_vote(post, make_user(), 1)

    page = client.get(f"/threads/{thread.id}")
    assert page.headers["X-Cache"] == "miss" and 'data-score="1"' in page.text


def test_a_page_with_a_message_for_the_visitor_is_not_cached(as_reader):
    as_reader.post("/auth/logout")
    response = as_reader.get("/")
    assert "You are logged out." in response.text
    assert "X-Cache" not in response.headers
    assert "You are logged out." not in as_reader.get("/").text


def test_each_language_has_its_own_copy(client, thread):
    english = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"})
    danish = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "da"})
    assert danish.headers["X-Cache"] == "miss"
    assert '<html lang="da">' in danish.text and '<html lang="en">' in english.text


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_servers_sharing_redis_see_each_others_writes(app_config, thread, reader):
    config = {
        **app_config,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": os.environ["TEST_REDIS_URL"],
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
    }
    apps = [create_app(config) for _ in range(2)]
    try:
        first, second = (app.test_client() for app in apps)
        url = f"/threads/{thread.id}"
        assert first.get(url).headers["X-Cache"] == "miss"
        assert second.get(url).headers["X-Cache"] == "hit"  # stored by the other server

        posts.add_contribution(thread, reader, Contribution("agree", "Written elsewhere"))

        fresh = second.get(url)
        assert fresh.headers["X-Cache"] == "miss"
        assert "Written elsewhere" in fresh.text
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_servers_sharing_redis_share_readers_pages(app_config, thread, make_post, make_user):
    config = {
        **app_config,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": os.environ["TEST_REDIS_URL"],
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
    }
    post = make_post(thread=thread, body="Shared across servers")
    ann, bo = make_user("ann"), make_user("bo")
    votes.cast_vote(post, bo, -1)
    apps = [create_app(config) for _ in range(2)]
    try:
        url = f"/threads/{thread.id}"
        first = signed_in(apps[0], ann).get(url)
        second = signed_in(apps[1], bo).get(url)  # stored by the other server

        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
        assert 'aria-pressed="true"' not in first.text
        assert 'value="0" aria-pressed="true" class="vote-down"' in second.text
        assert '<a href="/users/bo">bo</a>' in second.text and "/users/ann" not in second.text
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()


def test_visitors_get_no_session_cookie_so_their_pages_can_be_cached(client, thread):
    for url in ("/", f"/articles/{thread.article.slug}", f"/threads/{thread.id}"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert client.get(url).headers["X-Cache"] == "hit", url


def test_readers_share_article_pages_but_its_author_gets_the_edit_link(
    app, article, author, make_user
):
    url = f"/articles/{article.slug}"
    readers = [signed_in(app, user) for user in (make_user(), make_user(), author)]
    first, second, own = (reader.get(url) for reader in readers)

    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert f"/articles/{article.slug}/edit" not in second.text
    assert "X-Cache" not in own.headers and f"/articles/{article.slug}/edit" in own.text


def test_readers_share_the_front_page_but_authors_see_their_drafts(
    app, article, draft_article, author, make_user
):
    readers = [signed_in(app, user) for user in (make_user(), make_user(), author)]
    first, second, own = (reader.get("/") for reader in readers)

    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert "Your drafts" not in second.text
    assert "X-Cache" not in own.headers and "Your drafts" in own.text
