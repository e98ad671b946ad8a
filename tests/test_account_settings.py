"""The account pages: password, profile and language, common passwords, and the session's life."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput
from forum.extensions import db, mail
from forum.models import User
from forum.passwords import verify_password
from forum.services.accounts import register

OLD = "correct horse battery"
NEW = "a brand new password"


def stored(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def change_password(client, current: str = OLD, new: str = NEW):
    return client.post(
        "/account/password",
        data={"current_password": current, "password": new, "password_confirm": new},
    )


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_account_pages_need_a_login(client):
    for path in ("/account", "/account/profile", "/account/password", "/account/export"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_the_nav_links_to_the_account_page(as_reader):
    page = as_reader.get("/").text
    assert 'href="/account"' in page
    assert "reader@example.org" in as_reader.get("/account").text


def test_changing_the_password_ends_the_other_sessions(app, client, reader, log_in):
    log_in(reader)
    other = app.test_client()
    other.post("/auth/login", data={"username": "reader", "password": OLD})
    assert logged_in(other)

    with mail.record_messages() as outbox:
        response = change_password(client)

    assert response.status_code == 302
    assert verify_password(stored(reader.id).password_hash, NEW)
    assert logged_in(client), "the session that changed it stays logged in"
    assert not logged_in(other)
    assert [message.recipients for message in outbox] == [["reader@example.org"]]


def test_a_remembered_login_ends_with_the_password(app, client, reader, log_in):
    other = app.test_client()
    other.post("/auth/login", data={"username": "reader", "password": OLD, "remember": "y"})
    with other.session_transaction() as session:
        session.clear()
    assert logged_in(other), "the remember cookie logs back in"
    log_in(reader)

    change_password(client)

    with other.session_transaction() as session:
        session.clear()
    assert not logged_in(other)


def test_changing_the_password_needs_the_current_one(as_reader, reader):
    response = change_password(as_reader, current="not my password")

    assert response.status_code == 422
    assert "That is not your current password." in response.text
    assert verify_password(stored(reader.id).password_hash, OLD)


@pytest.mark.parametrize("password", ["1234567890", "qwertyuiop", "Password123"])
def test_common_passwords_are_refused(as_reader, reader, password):
    response = change_password(as_reader, new=password)

    assert response.status_code == 422
    assert "one of the most common passwords" in response.text
    assert verify_password(stored(reader.id).password_hash, OLD)


def test_registering_with_a_common_password_is_refused(client):
    response = client.post(
        "/auth/register",
        data={
            "username": "tove",
            "email": "tove@example.dk",
            "password": "1q2w3e4r5t",
            "password_confirm": "1q2w3e4r5t",
        },
    )
    assert response.status_code == 422
    assert "one of the most common passwords" in response.text
    assert db.session.scalar(select(User)) is None


def test_the_service_refuses_common_passwords_too(app):
    with pytest.raises(InvalidInput) as info:
        register("tove", "tove@example.dk", "password123")
    assert info.value.field == "password"


def test_the_profile_is_saved_and_shown_escaped(as_reader, reader):
    response = as_reader.post(
        "/account/profile",
        data={
            "display_name": "  Rea   <b>der</b> ",
            "bio": 'I write <script>alert("x")</script> & more.',
            "links": "https://example.org/me?a=1&b=<2>\n\n  http://example.com/x  \n",
            "locale": "da",
        },
    )
    assert response.status_code == 302

    user = stored(reader.id)
    assert user.display_name == "Rea <b>der</b>"
    assert user.links == "https://example.org/me?a=1&b=<2>\nhttp://example.com/x"
    assert user.locale == "da"
    page = as_reader.get("/users/reader").text
    assert "<script>" not in page and "<b>der</b>" not in page
    assert "Rea &lt;b&gt;der&lt;/b&gt;" in page
    assert "I write &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more." in page
    assert 'href="https://example.org/me?a=1&amp;b=&lt;2&gt;"' in page


def test_the_saved_language_is_used(as_reader):
    as_reader.get("/language/en")
    response = as_reader.post(
        "/account/profile", data={"display_name": "", "bio": "", "links": "", "locale": "da"}
    )
    assert "forum_lang=;" in response.headers["Set-Cookie"]
    assert '<html lang="da">' in as_reader.get("/").text


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//example.org/x",
        "ftp://example.org",
        "https://exa mple.org",
        "http://[broken",
    ],
)
def test_links_other_than_web_addresses_are_refused(as_reader, reader, link):
    response = as_reader.post(
        "/account/profile",
        data={
            "display_name": "",
            "bio": "kept",
            "links": f"https://ok.example\n{link}",
            "locale": "en",
        },
    )

    assert response.status_code == 422
    assert "Link 2 is not a web address" in response.text
    assert "kept</textarea>" in response.text
    assert stored(reader.id).links == ""


def test_a_display_name_may_not_be_another_users_name(as_reader, reader, author):
    response = as_reader.post(
        "/account/profile", data={"display_name": "AUTHOR", "bio": "", "links": "", "locale": "en"}
    )
    assert response.status_code == 422
    assert "That is another user's username." in html.unescape(response.text)

    own = as_reader.post(
        "/account/profile", data={"display_name": "Reader", "bio": "", "links": "", "locale": "en"}
    )
    assert own.status_code == 302


def test_an_unknown_language_is_refused(as_reader, reader):
    response = as_reader.post(
        "/account/profile", data={"display_name": "", "bio": "", "links": "", "locale": "fr"}
    )
    assert response.status_code == 422
    assert stored(reader.id).locale is None


def test_the_session_is_renewed_at_login(client, reader):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    client.post("/auth/login", data={"username": "reader", "password": OLD})

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{reader.id}:")


def test_registration_logs_nobody_in(client):
    """The address is checked first: a session planted before registering gains no login."""
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post(
        "/auth/register",
        data={
            "username": "tove",
            "email": "tove@example.dk",
            "password": NEW,
            "password_confirm": NEW,
        },
    )
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert db.session.scalar(select(User.username)) == "tove"


def test_the_session_is_emptied_at_logout(as_reader):
    with as_reader.session_transaction() as session:
        session["left_behind"] = "something"

    as_reader.post("/auth/logout")

    with as_reader.session_transaction() as session:
        assert set(session.keys()) <= {"_flashes"}
    assert not logged_in(as_reader)


def test_a_refusal_shows_the_moderators_reason_escaped(as_reader, reader, thread):
    reader.suspended_until = datetime.now(UTC) + timedelta(days=1)
    reader.sanction_reason = "<script>alert(1)</script>"
    db.session.commit()

    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "My point"}
    )

    assert response.status_code == 403
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
