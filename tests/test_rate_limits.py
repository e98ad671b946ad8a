"""With rate limits on: writes answer 429 with Retry-After, keep the text, and share Redis."""

import os
import re
import uuid

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from forum import create_app
from forum.errors import wait_message
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


def test_refused_contributions_do_not_use_up_the_limit(as_reader, thread):
    """Only what is posted counts: a reader correcting a form is not flooding the forum."""
    url = f"/threads/{thread.id}/posts"
    refused = [
        {"body": "No stance given"},
        {"stance": "agree", "body": ""},
        {"stance": "example", "body": "An example without its organisation"},
    ]
    for data in refused:
        assert as_reader.post(url, data=data).status_code == 422

    posted = [as_reader.post(url, data={"stance": "agree", "body": f"Point {n}"}) for n in (1, 2)]

    assert [response.status_code for response in posted] == [302, 302]
    assert as_reader.post(url, data={"stance": "agree", "body": "Third"}).status_code == 429


def test_failed_registrations_do_not_lock_out_an_address(app, client):
    """An office behind one address: colleagues' typos must not use up its registrations."""
    app.config["RATELIMIT_REGISTERING"] = "2/hour"
    mistakes = [
        {"username": "anna", "email": "anna@example.org", "password": "password123"},
        {"username": "reader", "email": "x@example.org", "password": "a long good passphrase"},
        {"username": "anna", "email": "not an address", "password": "a long good passphrase"},
    ]
    for data in mistakes:
        form = {**data, "password_confirm": data["password"]}
        assert client.post("/auth/register", data=form).status_code == 422

    accepted = [
        client.post(
            "/auth/register",
            data={
                "username": name,
                "email": f"{name}@example.org",
                "password": "a long good passphrase",
                "password_confirm": "a long good passphrase",
            },
        )
        for name in ("anna", "bent", "carl")
    ]

    assert [response.status_code for response in accepted] == [302, 302, 429]


@pytest.mark.parametrize(
    ("limit", "wait"),
    [
        ("2/minute", r"(\d+ seconds?|about 1 minute)"),
        ("2/hour", r"about (\d+ minutes|1 hour)"),
        ("2/day", r"about (\d+ hours|1 day)"),
    ],
)
def test_the_wait_reads_in_the_unit_a_person_would_use(app, as_reader, thread, limit, wait):
    app.config["RATELIMIT_POSTING_NEW_ACCOUNT"] = limit
    url = f"/threads/{thread.id}/posts"
    for n in range(2):
        as_reader.post(url, data={"stance": "agree", "body": f"Point {n}"})

    refused = as_reader.post(url, data={"stance": "agree", "body": "Third"})

    assert refused.status_code == 429
    assert re.search(rf"Please wait {wait} and try again", refused.text), refused.text


@pytest.mark.parametrize(
    ("seconds", "english", "danish"),
    [
        (45, "wait 45 seconds", "Vent 45 sekunder"),
        (3052, "wait about 51 minutes", "Vent cirka 51 minutter"),
        (5 * 3600, "wait about 5 hours", "Vent cirka 5 timer"),
    ],
)
def test_a_wait_of_3052_seconds_reads_as_about_51_minutes(app, seconds, english, danish):
    with app.test_request_context():
        assert english in wait_message(seconds)
        with force_locale("da"):
            assert danish in wait_message(seconds)
