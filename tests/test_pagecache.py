"""Pages are cached until what they show changes: whole for visitors, with holes for readers."""

import os
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from forum import changes, create_app, pagecache
from forum.extensions import db
from forum.models import Action, PostStatus, Role, Thread, User, Vote, utcnow
from forum.services import accounts, articles, moderation, posts, votes
from forum.services.posts import Contribution
from tests.conftest import PASSWORD, counted_statements


def test_a_visitor_gets_the_cached_page_the_second_time(client, thread, make_post):
    make_post(thread=thread, body="Cached words")
    first = client.get(f"/threads/{thread.id}")
    second = client.get(f"/threads/{thread.id}")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.text == first.text
    assert "default-src 'self'" in second.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/articles/employer-branding", "/threads/{thread}"])
def test_a_vote_shows_at_once_on_the_pages_of_its_article(client, thread, reader, make_user, url):
    url = url.format(thread=thread.id)
    post = posts.add_contribution(thread, reader, Contribution("agree", "First point"))
    client.get(url)
    assert client.get(url).headers["X-Cache"] == "hit"

    votes.cast_vote(post.id, make_user(), 1)

    fresh = client.get(url)
    assert fresh.headers["X-Cache"] == "miss"
    if url.startswith("/threads"):
        assert 'data-score="1"' in fresh.text


def test_a_write_under_one_article_leaves_the_pages_of_another_cached(
    client, thread, make_thread, make_article, make_post, make_user
):
    elsewhere = make_post(thread=make_thread(article=make_article(title="Another debate")))
    pages = [f"/threads/{thread.id}", f"/articles/{thread.article.slug}", "/"]
    for url in pages:
        client.get(url)

    votes.cast_vote(elsewhere.id, make_user(), 1)

    assert [client.get(url).headers["X-Cache"] for url in pages] == ["hit", "hit", "hit"]


def test_a_new_contribution_shows_on_the_front_page_figures(client, thread, reader):
    client.get("/")
    posts.add_contribution(thread, reader, Contribution("agree", "A point"))
    page = client.get("/")
    assert page.headers["X-Cache"] == "miss" and "1 agrees" in page.text


def test_a_write_that_rolls_back_changes_no_page(client, thread, post, make_user):
    client.get(f"/threads/{thread.id}")
    voter = make_user()
    with pytest.raises(RuntimeError):
        changes.article(thread.article_id)
        db.session.add(Vote(post_id=post.id, user_id=voter.id, value=1))
        db.session.flush()
        raise RuntimeError("the request failed before its commit")
    db.session.rollback()
    db.session.commit()  # a later transaction that names nothing
    assert client.get(f"/threads/{thread.id}").headers["X-Cache"] == "hit"


def test_the_workers_of_a_server_see_each_others_writes(app_config, thread, reader):
    """Each gunicorn worker has a page cache of its own (SimpleCache), but one set of versions."""
    other = create_app(app_config)  # another process on the same database
    url = f"/threads/{thread.id}"
    with other.app_context():
        client = other.test_client()
        assert client.get(url).headers["X-Cache"] == "miss"
        assert client.get(url).headers["X-Cache"] == "hit"
        db.session.remove()
    posts.add_contribution(thread, reader, Contribution("agree", "Written by the other worker"))
    with other.app_context():
        fresh = client.get(url)
        db.session.remove()
        db.engine.dispose()
    assert fresh.headers["X-Cache"] == "miss" and "Written by the other worker" in fresh.text


def test_a_visitor_page_has_an_etag_and_an_unchanged_page_answers_304(client, thread, make_user):
    url = f"/threads/{thread.id}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=0"
    assert "Accept-Language" in first.headers["Vary"]

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag

    post = posts.add_contribution(thread, make_user(), Contribution("agree", "News"))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert f'id="post-{post.id}"' in changed.text


def test_the_proxy_lifetime_is_a_setting(app, client, thread):
    app.config.update(PAGE_CACHE_S_MAXAGE=30, PAGE_CACHE_STALE_WHILE_REVALIDATE=60)
    for response in (client.get(f"/threads/{thread.id}"), client.get(f"/threads/{thread.id}")):
        control = response.headers["Cache-Control"]
        assert set(control.split(", ")) == {
            "public",
            "max-age=0",
            "s-maxage=30",
            "stale-while-revalidate=60",
        }


def test_the_feed_has_an_etag_too(client, thread, post):
    url = f"/articles/{thread.article.slug}/feed.atom"
    first = client.get(url)
    assert first.mimetype == "application/atom+xml"
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert client.get(url).mimetype == "application/atom+xml"  # a hit keeps its type


def test_a_logged_in_readers_page_is_private_and_has_no_etag(app, thread, make_user):
    page = signed_in(app, make_user()).get(f"/threads/{thread.id}")
    assert "ETag" not in page.headers and "private" in page.headers["Cache-Control"]


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


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html))


def test_visitors_and_readers_share_a_thread_page_each_reader_with_their_own_state(
    app, client, thread, make_post, make_user
):
    post = make_post(thread=thread, body="Shared words")
    ann, bo = make_user("ann"), make_user("bo")
    votes.cast_vote(post.id, ann, 1)
    url = f"/threads/{thread.id}"

    visitor = client.get(url)
    first = signed_in(app, ann).get(url)
    second = signed_in(app, bo).get(url)

    assert [page.headers["X-Cache"] for page in (visitor, first, second)] == ["miss", "hit", "hit"]
    assert 'aria-pressed="true"' in first.text and 'aria-pressed="true"' not in second.text
    assert '<a href="/users/ann">ann</a>' in first.text and "/users/ann" not in second.text
    assert '<a href="/users/bo">bo</a>' in second.text
    # Each reader's token is their own, and a visitor's copy has none (nor any reader's part).
    assert csrf_tokens(first.text) and csrf_tokens(second.text)
    assert csrf_tokens(first.text).isdisjoint(csrf_tokens(second.text))
    assert not csrf_tokens(visitor.text)
    assert "/users/ann" not in visitor.text and "/users/bo" not in visitor.text
    assert "Log in to vote" in visitor.text and "Log in to vote" not in first.text
    marker = app.extensions["pagecache_marker"]
    assert marker not in visitor.text + first.text + second.text


def test_a_visitor_gets_the_page_that_would_be_rendered_for_them(
    client, thread, make_post, monkeypatch
):
    contribution = make_post(thread=thread, body="Agreed")
    make_post(parent=contribution, body="Not quite")
    for url in (f"/threads/{thread.id}", f"/articles/{thread.article.slug}", "/"):
        shared = client.get(url)
        monkeypatch.setattr(pagecache, "_key", lambda: None)  # no cache: rendered as it is
        own = client.get(url)
        monkeypatch.undo()
        assert shared.headers["X-Cache"] == "miss" and "X-Cache" not in own.headers
        assert without_tokens(shared.text) == without_tokens(own.text), url


def test_a_reader_gets_the_page_that_would_be_rendered_for_them(
    app, thread, make_post, make_user, monkeypatch
):
    contribution = make_post(thread=thread, body="Agreed")
    reply = make_post(parent=contribution, body="Not quite")
    make_post(thread=thread, stance="example", body="An example", organisation="Acme")
    for role in (Role.READER, Role.AUTHOR):
        user = make_user(role=role)
        votes.cast_vote(contribution.id, user, 1)
        votes.cast_vote(reply.id, user, -1)
        client = signed_in(app, user)
        for url in (f"/threads/{thread.id}", f"/threads/{thread.id}?sort=new&per_page=1"):
            shared = client.get(url)
            monkeypatch.setattr(pagecache, "shares_pages", lambda _user: False)
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
    votes.cast_vote(other.id, reader, 1)
    client = signed_in(app, reader)
    signed_in(app, make_user()).get(f"/threads/{thread.id}")  # the page others share

    shared = client.get(f"/threads/{thread.id}")
    monkeypatch.setattr(pagecache, "shares_pages", lambda _user: False)
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

    votes.cast_vote(post.id, make_user(), 1)

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

        # The write is taken by one of the servers. (The ids are read first: the fixtures'
        # objects would load in that app's context on a connection of its engine.)
        thread_id, reader_id = thread.id, reader.id
        with apps[0].app_context():
            posts.add_contribution(
                db.session.get(Thread, thread_id),
                db.session.get(User, reader_id),
                Contribution("agree", "Written elsewhere"),
            )

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
    votes.cast_vote(post.id, bo, -1)
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


def test_a_page_rendered_again_after_a_vote_renders_only_the_post_that_changed(
    app, client, thread, make_post, make_user
):
    voted, *others = [make_post(thread=thread, body=f"Point {n}") for n in range(5)]
    url = f"/threads/{thread.id}"
    client.get(url)
    rendered = app.extensions["rendered_posts"]
    before = len(rendered)

    votes.cast_vote(voted.id, make_user(), 1)

    page = client.get(url)
    assert page.headers["X-Cache"] == "miss" and 'data-score="1"' in page.text
    assert len(rendered) == before + 1  # the voted post's card, and no other, rendered anew


def test_remembered_posts_show_what_a_fresh_rendering_shows(
    app, client, thread, make_post, make_user, writer, author, monkeypatch
):
    """After each change, the page made of remembered posts is the page rendered from scratch,
    for a visitor and for a reader."""
    post = make_post(thread=thread, author=writer, body="The first point")
    reply = make_post(parent=post, author=writer, body="An answer")
    make_post(thread=thread, body="Another point")
    moderator = make_user(role=Role.MODERATOR)
    changes_in_turn = [
        lambda: votes.cast_vote(post.id, make_user(), 1),
        lambda: posts.edit_post(post, writer, posts.Contribution("agree", "Said again")),
        lambda: accounts.update_profile(writer, accounts.Profile("Wendy", "", "", "en")),
        lambda: moderation.set_featured(reply, moderator, True),
        lambda: articles.manage_thread(thread, author, "retire"),
        lambda: articles.manage_thread(thread, author, "restore"),
        lambda: moderation.set_thread_state(thread, moderator, Action.LOCK),
        lambda: moderation.hide_post(post, moderator, "spam"),
    ]
    url = f"/threads/{thread.id}"
    rendered = app.extensions["rendered_posts"]
    readers = [client, signed_in(app, make_user())]
    for change in changes_in_turn:
        for reader in readers:
            reader.get(url)
        change()
        remembered = [reader.get(url) for reader in readers]
        # Rendered from scratch: no cached page, no remembered post.
        monkeypatch.setattr(pagecache, "_key", lambda: None)
        monkeypatch.setattr(rendered, "size", 0)
        monkeypatch.setattr(rendered, "_values", type(rendered._values)())
        fresh = [reader.get(url) for reader in readers]
        monkeypatch.undo()
        assert [page.headers["X-Cache"] for page in remembered] == ["miss", "hit"]
        for kept, new in zip(remembered, fresh, strict=True):
            assert "X-Cache" not in new.headers
            assert without_tokens(kept.text) == without_tokens(new.text)


def test_a_reader_reading_a_page_again_costs_only_the_login_lookup(app, thread, make_post, reader):
    votes.cast_vote(make_post(thread=thread, body="A point").id, reader, 1)
    client = signed_in(app, reader)
    url = f"/threads/{thread.id}"
    client.get(url)
    with counted_statements() as statements:
        again = client.get(url)
    assert again.headers["X-Cache"] == "hit" and 'aria-pressed="true"' in again.text
    assert len(statements) == 1  # the login session and its user; the votes are kept


@pytest.mark.parametrize(
    ("act", "shown"),
    [
        (lambda post, reader: votes.cast_vote(post.id, reader, -1), 'aria-pressed="true"'),
        (lambda post, reader: moderation.flag_post(post, reader, "spam"), "You flagged this"),
        (
            lambda post, reader: posts.add_reply(post, reader, "My own answer"),
            "/edit",  # the reader's reply, with its edit link
        ),
    ],
)
def test_what_a_reader_does_shows_on_their_next_page(app, thread, make_post, reader, act, shown):
    post = make_post(thread=thread, body="A point")
    client = signed_in(app, reader)
    url = f"/threads/{thread.id}"
    assert shown not in client.get(url).text and shown not in client.get(url).text
    act(post, reader)
    assert shown in client.get(url).text


def test_the_versions_of_a_relative_sqlite_path_sit_beside_the_database(
    app_config, tmp_path, monkeypatch
):
    """Flask-SQLAlchemy puts sqlite:///name.sqlite in the instance folder: so do the versions,
    whichever folder a worker was started from."""
    monkeypatch.chdir(tmp_path)
    name = f"relative-{uuid.uuid4().hex}.sqlite"
    app = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{name}", "PAGE_VERSIONS_FILE": None}
    )
    versions = app.extensions["page_versions"].path
    try:
        assert versions == Path(app.instance_path) / f"{name}.page-versions"
        assert not (tmp_path / f"{name}.page-versions").exists()
    finally:
        versions.unlink(missing_ok=True)
        (tmp_path / f"{name}.page-versions").unlink(missing_ok=True)
        with app.app_context():
            db.engine.dispose()


def test_the_versions_file_can_be_put_where_the_operator_says(app_config, tmp_path):
    """Two processes of one server (two apps here) share the file PAGE_VERSIONS_FILE names."""
    config = {**app_config, "PAGE_VERSIONS_FILE": str(tmp_path / "run" / "versions")}
    (tmp_path / "run").mkdir()
    first, second = create_app(config), create_app(config)

    scope = changes.article_scope(7)
    (before,) = second.extensions["page_versions"].read([scope])

    first.extensions["page_versions"].bump([scope])

    assert (tmp_path / "run" / "versions").exists()
    assert second.extensions["page_versions"].read([scope]) == (before + 1,)
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
