"""Resetting a forgotten password through a signed, single-use link that expires in an hour."""

import re
import time
import uuid

import itsdangerous.timed
import pytest

from forum.extensions import db, mail
from forum.models import User
from forum.passwords import verify_password
from forum.services.accounts import reset_token

NEW_PASSWORD = "a brand new password"


def link_path(message) -> str:
    return re.search(r"http://localhost(/auth/reset/\S+)", message.body).group(1)


def stored(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def ask_for_link(client, email: str):
    with mail.record_messages() as outbox:
        response = client.post("/auth/reset", data={"email": email}, follow_redirects=True)
    return response, outbox


def new_password(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"password": password, "password_confirm": password})


def test_the_form_is_linked_from_the_login_page(client):
    assert 'href="/auth/reset"' in client.get("/auth/login").text
    assert 'name="email"' in client.get("/auth/reset").text


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, reader):
    known, sent = ask_for_link(client, "reader@example.org")
    unknown, not_sent = ask_for_link(client, "nobody@example.org")

    assert len(sent) == 1 and not_sent == []
    assert known.status_code == unknown.status_code == 200
    assert known.request.path == unknown.request.path == "/auth/login"
    assert known.text.replace("reader@example.org", "X") == unknown.text.replace(
        "nobody@example.org", "X"
    )


def test_the_link_sets_a_new_password_once(client, reader):
    _response, outbox = ask_for_link(client, "Reader@Example.org")
    path = link_path(outbox[0])
    assert "For the account reader." in client.get(path).text

    with mail.record_messages() as notices:
        response = new_password(client, path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert verify_password(stored(reader.id).password_hash, NEW_PASSWORD)
    assert [n.recipients for n in notices] == [["reader@example.org"]]
    assert (
        client.post(
            "/auth/login", data={"username": "reader", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )

    for method in (client.get, lambda p: new_password(client, p, "yet another password")):
        again = method(path)
        assert again.status_code == 400
        assert "This link has been used already." in again.text
    assert verify_password(stored(reader.id).password_hash, NEW_PASSWORD)


def test_the_link_expires_after_an_hour(client, reader, monkeypatch):
    path = f"/auth/reset/{reset_token(reader)}"
    real = time.time

    def after(seconds):
        monkeypatch.setattr(
            itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(real()) + seconds
        )

    after(3540)
    assert client.get(path).status_code == 200
    after(3601)
    response = new_password(client, path)

    assert response.status_code == 400
    assert "This link has expired." in response.text
    assert not verify_password(stored(reader.id).password_hash, NEW_PASSWORD)


def test_a_tampered_link_is_refused(client, reader):
    token = reset_token(reader)
    assert client.get(f"/auth/reset/{token}x").status_code == 400
    assert client.get("/auth/reset/not-a-token").status_code == 400


def test_the_new_password_must_be_acceptable(client, reader):
    path = f"/auth/reset/{reset_token(reader)}"

    common = new_password(client, path, "1234567890")
    short = new_password(client, path, "short")

    assert (common.status_code, short.status_code) == (422, 422)
    assert "one of the most common" in common.text
    assert "Use between 10 and 256 characters." in short.text
    assert verify_password(stored(reader.id).password_hash, "correct horse battery")


def test_a_reset_ends_every_session_and_confirms_the_address(app, reader, log_in, client):
    log_in(reader)
    path = f"/auth/reset/{reset_token(reader)}"
    elsewhere = app.test_client()

    new_password(elsewhere, path)

    assert client.get("/account").status_code == 302
    assert stored(reader.id).email_confirmed_at is not None


def test_a_deleted_account_gets_no_link(client, reader):
    reader.deleted_at = reader.created_at
    db.session.commit()
    _response, outbox = ask_for_link(client, "reader@example.org")
    assert outbox == []
    assert client.get(f"/auth/reset/{reset_token(reader)}").status_code == 400


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "RATELIMIT_PASSWORD_RESET": "2/minute",
        }

    def test_asking_for_links_is_rate_limited(self, client, reader):
        with mail.record_messages() as outbox:
            answers = [
                client.post("/auth/reset", data={"email": "reader@example.org"}) for _ in range(3)
            ]
        assert [answer.status_code for answer in answers] == [302, 302, 429]
        assert int(answers[-1].headers["Retry-After"]) > 0
        assert "reader@example.org" in answers[-1].text
        assert len(outbox) == 2
