"""What shared caches and other sites may do with a page: Cache-Control, Referrer-Policy, CSP;
and how often a reader may download their data."""

import uuid
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from forum import create_app
from forum.extensions import db
from forum.models import Role, User
from tests.conftest import PASSWORD


def directives(response) -> set[str]:
    value = response.headers.get("Cache-Control", "")
    return {part.strip() for part in value.split(",") if part.strip()}


@pytest.fixture
def signed_in(app) -> Callable[[User], FlaskClient]:
    """A client of its own, logged in as the user given."""

    def sign_in(user: User) -> FlaskClient:
        client = app.test_client()
        login = {"username": user.username, "password": PASSWORD}
        assert client.post("/auth/login", data=login).status_code == 302
        return client

    return sign_in


def public_pages(thread) -> list[str]:
    article = thread.article
    author = article.author.username
    return ["/", f"/articles/{article.slug}", f"/threads/{thread.id}", f"/users/{author}"]


def test_logged_in_pages_are_private_even_from_the_shared_page_cache(as_reader, thread, post):
    for path in [*public_pages(thread), f"/posts/{post.id}/reply", f"/posts/{post.id}"]:
        response = as_reader.get(path)
        assert response.status_code in (200, 302), path
        assert "private" in directives(response), path
        assert "public" not in directives(response), path

    first, again = as_reader.get(f"/threads/{thread.id}"), as_reader.get(f"/threads/{thread.id}")
    assert again.headers["X-Cache"] == "hit"
    assert "private" in directives(first) and "private" in directives(again)


def test_a_reader_kept_logged_in_by_the_remember_cookie_alone_gets_private_pages(
    client, reader, thread
):
    login = {"username": reader.username, "password": PASSWORD, "remember": "y"}
    assert client.post("/auth/login", data=login).status_code == 302
    client.delete_cookie("session")

    response = client.get(f"/threads/{thread.id}")

    assert 'action="/auth/logout"' in response.text
    assert "private" in directives(response)


@pytest.mark.parametrize(
    "path", ["/account", "/account/profile", "/account/password", "/account/export"]
)
def test_a_readers_own_pages_are_never_stored(as_reader, path):
    response = as_reader.get(path)

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.MODERATOR, "/moderation"),
        (Role.MODERATOR, "/moderation/log"),
        (Role.MODERATOR, "/moderation/settings"),
        (Role.ADMIN, "/admin/users"),
        (Role.AUTHOR, "/author"),
    ],
)
def test_moderation_admin_and_desk_pages_are_never_stored(make_user, signed_in, role, path):
    client = signed_in(make_user(f"staff{role.value}", role=role))

    response = client.get(path)

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_visitors_cached_pages_are_public_and_the_rest_keep_their_headers(client, thread):
    *cached, profile = public_pages(thread)
    for path in cached:
        for response in (client.get(path), client.get(path)):  # the miss and the hit
            assert response.status_code == 200, path
            assert directives(response) == {"public", "max-age=0"}, path
    assert "Cache-Control" not in client.get(profile).headers


def test_a_visitors_page_that_sets_a_cookie_is_private(client):
    response = client.get("/language/da")

    assert "Set-Cookie" in response.headers
    assert "private" in directives(response)


def test_a_visitors_form_that_starts_a_session_is_private(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    try:
        response = app.test_client().get("/auth/login")
    finally:
        with app.app_context():
            db.engine.dispose()

    assert response.headers["Set-Cookie"].startswith("session=")
    assert "private" in directives(response)


@pytest.mark.parametrize("path", ["/auth/reset/{token}", "/account/confirm/{token}"])
def test_a_page_whose_address_holds_a_token_sends_no_referrer(client, path):
    response = client.get(path.format(token="eyJ1c2VyIjo3fQ.Zx9aBc.signature"))

    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert {"private", "no-store"} <= directives(response)


def test_other_pages_keep_the_sites_referrer_policy(client):
    assert client.get("/auth/reset").headers["Referrer-Policy"] == (
        "strict-origin-when-cross-origin"
    )


def test_the_policy_forbids_a_base_element(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "base-uri 'none'" in policy


@pytest.fixture
def limited_app(app_config):
    app = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "RATELIMIT_EXPORT": "2/hour",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_data_export_is_rate_limited_per_account(app, limited_app, make_user):
    def export_as(user) -> list[int]:
        client = limited_app.test_client()
        client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        return [client.get("/account/export").status_code for _ in range(3)]

    first, second = make_user("tove"), make_user("aske")

    assert export_as(first) == [200, 200, 429]
    assert export_as(second) == [200, 200, 429]


def test_the_export_limit_defaults_to_a_few_an_hour(app):
    assert app.config["RATELIMIT_EXPORT"] == "5/hour"
