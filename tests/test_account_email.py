"""Confirming an e-mail address through a signed link, and what an unconfirmed account may do."""

import logging
import re
import time
from urllib.parse import parse_qs, urlsplit

import itsdangerous.timed
import pytest
from flask_babel import get_locale
from sqlalchemy import func, select

import forum.mail
from forum.extensions import db, mail
from forum.models import Post, User
from forum.services.accounts import email_token

REGISTRATION = {
    "username": "tove",
    "email": "tove@example.dk",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
}
SEVEN_DAYS = 7 * 24 * 3600


def next_of(location: str) -> str | None:
    """The `next` a redirect's address carries."""
    return parse_qs(urlsplit(location).query).get("next", [None])[0]


def link_path(message) -> str:
    """The path of the one link in an e-mail."""
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def stored(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@pytest.fixture
def later(monkeypatch):
    """Move the signed links' clock forward by some seconds."""

    def move(seconds: int) -> None:
        real = time.time
        monkeypatch.setattr(
            itsdangerous.timed.TimestampSigner,
            "get_timestamp",
            lambda self: int(real()) + seconds,
        )

    return move


def test_registration_sends_a_link_that_confirms_the_address(client):
    with mail.record_messages() as outbox:
        response = client.post("/auth/register", data=REGISTRATION)
    assert response.status_code == 302
    assert [message.recipients for message in outbox] == [["tove@example.dk"]]
    user = db.session.scalar(select(User))
    assert user.email_confirmed_at is None

    path = link_path(outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "tove@example.dk" in page.text
    assert stored(user.id).email_confirmed_at is None, "GET never writes"

    response = client.post(path)

    assert response.status_code == 302
    assert stored(user.id).email_confirmed_at is not None
    # Registering logged nobody in: the confirmation is said on the next page.
    assert "your e-mail address is confirmed" in client.get(response.headers["Location"]).text


def test_the_link_needs_no_login(client, reader):
    token = email_token(reader)
    assert client.post(f"/account/confirm/{token}").status_code == 302
    assert stored(reader.id).email_confirmed_at is not None


def test_a_tampered_link_is_refused(client, reader):
    token = email_token(reader)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    for method in (client.get, client.post):
        response = method(f"/account/confirm/{tampered}")
        assert response.status_code == 400
        assert "This link is not valid." in response.text
    assert stored(reader.id).email_confirmed_at is None


def test_a_link_signed_with_another_key_is_refused(app, client, reader):
    foreign = itsdangerous.URLSafeTimedSerializer("another key", salt="forum.email-confirm")
    token = foreign.dumps({"user": reader.id, "email": reader.email})
    assert client.post(f"/account/confirm/{token}").status_code == 400
    assert stored(reader.id).email_confirmed_at is None


def test_a_link_expires_after_seven_days(client, reader, later):
    token = email_token(reader)
    later(SEVEN_DAYS - 60)
    assert client.get(f"/account/confirm/{token}").status_code == 200

    later(SEVEN_DAYS + 1)
    response = client.post(f"/account/confirm/{token}")

    assert response.status_code == 400
    assert "This link has expired." in response.text
    assert stored(reader.id).email_confirmed_at is None


def test_an_already_confirmed_address_stays_confirmed(client, reader):
    token = email_token(reader)
    client.post(f"/account/confirm/{token}")
    first = stored(reader.id).email_confirmed_at

    assert "is already confirmed" in client.get(f"/account/confirm/{token}").text
    response = client.post(f"/account/confirm/{token}", follow_redirects=True)

    assert "already confirmed" in response.text
    assert stored(reader.id).email_confirmed_at == first


def test_a_link_for_an_earlier_address_confirms_nothing(as_reader, reader):
    old_token = email_token(reader)
    with mail.record_messages() as outbox:
        as_reader.post(
            "/account/email",
            data={"email": "new@example.org", "current_password": "correct horse battery"},
        )
    as_reader.post(link_path(next(m for m in outbox if m.recipients == ["new@example.org"])))
    reader = stored(reader.id)
    reader.email_confirmed_at = None
    db.session.commit()

    assert as_reader.post(f"/account/confirm/{old_token}").status_code == 400
    assert stored(reader.id).email_confirmed_at is None


def test_resending_the_link(as_reader, reader):
    with mail.record_messages() as outbox:
        response = as_reader.post("/account/confirm")
    assert response.status_code == 302
    assert len(outbox) == 1
    as_reader.post(link_path(outbox[0]))

    with mail.record_messages() as outbox:
        page = as_reader.post("/account/confirm", follow_redirects=True).text
    assert outbox == []
    assert "already confirmed" in page


def test_changing_the_address_needs_the_password_and_confirming_again(as_reader, reader):
    as_reader.post(f"/account/confirm/{email_token(reader)}")
    refused = as_reader.post(
        "/account/email", data={"email": "new@example.org", "current_password": "wrong one!"}
    )
    assert refused.status_code == 422
    assert "That is not your current password." in refused.text
    assert 'value="new@example.org"' in refused.text
    assert stored(reader.id).email == "reader@example.org"

    with mail.record_messages() as outbox:
        response = as_reader.post(
            "/account/email",
            data={"email": "New@Example.org", "current_password": "correct horse battery"},
        )

    assert response.status_code == 302
    user = stored(reader.id)
    # The confirmed address stays until the new one is confirmed (tests/test_email_change.py).
    assert (user.email, user.pending_email) == ("reader@example.org", "new@example.org")
    assert user.email_confirmed
    assert sorted(message.recipients[0] for message in outbox) == [
        "new@example.org",
        "reader@example.org",
    ]
    confirmation = next(m for m in outbox if m.recipients == ["new@example.org"])
    as_reader.post(link_path(confirmation))
    user = stored(reader.id)
    assert (user.email, user.email_confirmed) == ("new@example.org", True)


def test_an_address_in_use_cannot_be_taken(as_reader, make_user):
    make_user("other", email="other@example.org")
    response = as_reader.post(
        "/account/email",
        data={"email": "OTHER@example.org", "current_password": "correct horse battery"},
    )
    assert response.status_code == 422
    assert "An account with that e-mail address exists." in response.text


def test_without_a_mail_server_the_message_goes_to_the_log(client, caplog):
    caplog.set_level(logging.INFO, logger="forum.mail")
    client.post("/auth/register", data=REGISTRATION)

    lines = [r.getMessage() for r in caplog.records if r.name == "forum.mail"]
    assert "| To: tove@example.dk" in lines
    # The link stands alone on its line, to be copied from the terminal.
    assert any(re.fullmatch(r"\| http://localhost/account/confirm/\S+", line) for line in lines)


def test_the_email_is_written_in_the_users_language(client, reader, monkeypatch):
    reader.locale = "da"
    db.session.commit()
    languages = []
    real = forum.mail.render_template

    def render(*args, **kwargs):
        languages.append(str(get_locale()))
        return real(*args, **kwargs)

    monkeypatch.setattr(forum.mail, "render_template", render)
    client.post("/auth/reset", data={"email": reader.email}, headers={"Accept-Language": "en"})

    assert languages == ["da"]


def test_links_use_the_public_url_when_set(app, client, reader):
    app.config["PUBLIC_URL"] = "https://debat.example.dk/"
    with mail.record_messages() as outbox:
        client.post("/auth/reset", data={"email": reader.email}, headers={"Host": "evil.example"})
    assert "https://debat.example.dk/auth/reset/" in outbox[0].body
    assert "evil.example" not in outbox[0].body


class TestWhenConfirmationIsRequired:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "REQUIRE_CONFIRMED_EMAIL": True}

    def test_unconfirmed_users_cannot_post(self, as_reader, thread):
        response = as_reader.post(
            f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "My point"}
        )
        assert response.status_code == 403
        assert "Confirm your e-mail address first" in response.text
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0

    def test_unconfirmed_users_cannot_reply_vote_flag_or_propose_threads(
        self, as_reader, thread, article, make_post
    ):
        post = make_post(thread=thread)
        answers = [
            as_reader.post(f"/posts/{post.id}/replies", data={"body": "A reply"}),
            as_reader.post(f"/posts/{post.id}/vote", data={"value": "1"}),
            as_reader.post(f"/posts/{post.id}/flag", data={"reason": "spam"}),
            as_reader.post(f"/articles/{article.slug}/threads/new", data={"title": "A question?"}),
        ]
        assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1

    def test_the_button_to_resend_the_link_brings_the_reader_back(self, as_reader, thread):
        page = as_reader.get(f"/threads/{thread.id}?sort=new")
        (form,) = re.findall(r'<form[^>]*action="/account/confirm".*?</form>', page.text, re.S)
        assert f'name="next" value="/threads/{thread.id}?sort=new"' in form

        refused = as_reader.post(
            f"/threads/{thread.id}/posts",
            data={"stance": "agree", "body": "My point"},
            headers={"Referer": f"http://localhost/threads/{thread.id}"},
        )
        (form,) = re.findall(r'<form[^>]*action="/account/confirm".*?</form>', refused.text, re.S)
        assert f'name="next" value="/threads/{thread.id}"' in form

    def test_confirmed_users_can_post(self, as_reader, reader, thread):
        as_reader.post(f"/account/confirm/{email_token(reader)}")
        response = as_reader.post(
            f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "My point"}
        )
        assert response.status_code == 302
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_after_confirming_and_logging_in_the_reader_is_back_where_they_registered(client):
    with mail.record_messages() as outbox:
        response = client.post("/auth/register?next=/threads/7%3Fsort%3Dnew", data=REGISTRATION)
    assert next_of(response.headers["Location"]) == "/threads/7?sort=new"
    path = link_path(outbox[0])

    confirmed = client.post(path)

    assert urlsplit(confirmed.headers["Location"]).path == "/auth/login"
    assert next_of(confirmed.headers["Location"]) == "/threads/7?sort=new"
    login_page = client.get(confirmed.headers["Location"])
    assert "your e-mail address is confirmed" in login_page.text
    logged_in = client.post(
        confirmed.headers["Location"],
        data={"username": "tove", "password": REGISTRATION["password"]},
    )
    assert logged_in.headers["Location"] == "/threads/7?sort=new"


def test_a_link_signed_in_goes_straight_back(client, reader, log_in):
    with mail.record_messages() as outbox:
        client.post("/auth/register?next=/articles/x", data=REGISTRATION)
    tove = db.session.scalar(select(User).where(User.username == "tove"))
    tove.password_hash = reader.password_hash
    db.session.commit()
    log_in(tove)

    assert client.post(link_path(outbox[0])).headers["Location"] == "/articles/x"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_only_local_paths_are_carried_into_the_link(client, target):
    with mail.record_messages() as outbox:
        client.post("/auth/register", query_string={"next": target}, data=REGISTRATION)
    assert "evil" not in outbox[0].body

    response = client.post(link_path(outbox[0]) + "?" + f"next={target}")
    assert "evil" not in response.headers["Location"]


def test_resending_the_link_from_a_page_comes_back_to_it(as_reader, reader):
    with mail.record_messages() as outbox:
        response = as_reader.post("/account/confirm", data={"next": "/threads/3?sort=new"})
    assert response.headers["Location"] == "/threads/3?sort=new"

    confirmed = as_reader.post(link_path(outbox[0]))
    assert confirmed.headers["Location"] == "/threads/3?sort=new"
    assert stored(reader.id).email_confirmed_at is not None

    refused = as_reader.post("/account/confirm", data={"next": "https://evil.example/"})
    assert refused.headers["Location"] == "/account"
