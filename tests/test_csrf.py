"""With CSRF protection on, as in production: every POST needs the form's token."""

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User

REGISTRATION = {
    "username": "tove",
    "email": "tove@example.dk",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_from(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_post_without_the_token_is_refused_and_changes_nothing(client):
    response = client.post("/auth/register", data=REGISTRATION)

    assert response.status_code == 400
    assert "This form has expired or did not come from this site." in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_token_from_the_form_is_accepted(client):
    token = token_from(client.get("/auth/register").text)
    response = client.post("/auth/register", data={**REGISTRATION, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(User.username)) == "tove"


def test_fetch_calls_send_the_token_in_a_header(client, reader):
    token = token_from(client.get("/auth/login").text)
    client.post(
        "/auth/login",
        data={"username": "reader", "password": "correct horse battery", "csrf_token": token},
    )
    # Logging in starts a new session, with a new token.
    token = token_from(client.get("/account/password").text)
    assert client.post("/preview", data={"body": "*x*"}).status_code == 400

    response = client.post("/preview", data={"body": "*x*"}, headers={"X-CSRFToken": token})

    assert response.status_code == 200
    assert response.json["html"] == "<p><em>x</em></p>\n"


def test_logout_needs_the_token(client, reader):
    token = token_from(client.get("/auth/login").text)
    client.post(
        "/auth/login",
        data={"username": "reader", "password": "correct horse battery", "csrf_token": token},
    )
    assert client.post("/auth/logout").status_code == 400
    assert "Log out" in client.get("/").text


def test_the_token_in_a_page_shared_between_readers_is_the_readers_own(
    client, reader, make_post, thread
):
    post = make_post(thread=thread, body="A point")
    token = token_from(client.get("/auth/login").text)
    client.post(
        "/auth/login",
        data={"username": "reader", "password": "correct horse battery", "csrf_token": token},
        follow_redirects=True,
    )
    page = client.get(f"/threads/{thread.id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    response = client.post(f"/posts/{post.id}/vote", data={"value": "1", "csrf_token": token})

    assert page.headers["X-Cache"] == "miss"
    assert response.status_code == 302
