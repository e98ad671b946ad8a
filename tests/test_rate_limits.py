"""With rate limits on: writes answer 429 with Retry-After, keep the text, and share Redis."""

import os
import re
import uuid

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db
from forum.models import Post, Vote


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        # A fresh prefix per test: limits never leak between tests, even on a shared Redis.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_LOGIN": "3/minute",
        "RATELIMIT_POSTING": "5/minute",
        "RATELIMIT_POSTING_NEW_ACCOUNT": "2/minute",
        "RATELIMIT_VOTING_NEW_ACCOUNT": "2/minute",
    }


def test_login_is_throttled_without_revealing_whether_the_account_exists(client, reader):
    answers = {}
    for name in ("reader", "nobody-here"):
        for _ in range(3):
            client.post("/auth/login", data={"username": name, "password": "wrong password!"})
        answers[name] = client.post(
            "/auth/login", data={"username": name, "password": "wrong password!"}
        )
    for response in answers.values():
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
    # The same page for both, but for the name typed, the seconds left to wait and the fresh
    # CSRF token of the form that sends it again (it carries the time it was made).
    pages = [
        re.sub(r"\d+", "N", re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", page))
        for page in (answers[name].text.replace(name, "X") for name in answers)
    ]
    assert pages[0] == pages[1]


def test_new_accounts_post_less_often_and_keep_their_text(as_reader, thread):
    for number in range(2):
        response = as_reader.post(
            f"/threads/{thread.id}/posts", data={"stance": "agree", "body": f"Point {number}"}
        )
        assert response.status_code == 302

    refused = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "My third point"}
    )

    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "My third point" in refused.text
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2


def test_a_script_gets_json_when_it_votes_too_often(as_reader, thread, make_post):
    posts = [make_post(thread=thread) for _ in range(3)]
    answers = [
        as_reader.post(
            f"/posts/{post.id}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
        )
        for post in posts
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1].json["status"] == 429
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 2


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_a_limit_reached_on_one_server_holds_on_another(app_config, make_user):
    """Two app instances (as on two servers) share the counts through Redis."""
    # A name of its own: Redis outlives the test, and the limit counts per named account.
    name = make_user(f"shared-{uuid.uuid4().hex[:8]}").username
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"],
        "RATELIMIT_LOGIN_ACCOUNT": "2/minute",
    }
    apps = [create_app(config) for _ in range(2)]
    servers = [app.test_client() for app in apps]
    # Two addresses of this test's own (Redis outlives it), each failing first on the other
    # server: what one server learnt about an address and an account holds on the other.
    net = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    attempts = [
        servers[n % 2].post(
            "/auth/login",
            data={"username": name, "password": "wrong!!!!!"},
            environ_base={"REMOTE_ADDR": f"{net}.{(n // 2) % 2 + 1}"},
        )
        for n in range(5)
    ]
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    assert [attempt.status_code for attempt in attempts] == [422, 422, 422, 422, 429]
