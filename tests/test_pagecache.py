"""Visitors' pages are cached until the next write, never for logged-in users, on any backend."""

import os
import uuid

import pytest
from sqlalchemy import select

from forum import create_app
from forum.extensions import db
from forum.models import Setting
from forum.pagecache import VERSION_KEY
from forum.services import posts, votes
from forum.services.posts import Contribution


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
    before = int(version() or 0)
    posts.add_contribution(thread, reader, Contribution("agree", "A point"))
    assert int(version()) == before + 1


def test_logged_in_users_are_never_served_or_stored(client, as_reader, thread):
    for _ in range(2):
        response = as_reader.get(f"/threads/{thread.id}")
        assert "X-Cache" not in response.headers
        assert "Log out" in response.text


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


def test_visitors_get_no_session_cookie_so_their_pages_can_be_cached(client, thread):
    for url in ("/", f"/articles/{thread.article.slug}", f"/threads/{thread.id}"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert client.get(url).headers["X-Cache"] == "hit", url
