"""Login sessions on the server: logout ends them, the account page lists and ends them, the
remember cookie is as safe as the session cookie, and an expired form gives the text back."""

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, event, func, select, update
from werkzeug.http import parse_date

from forum.extensions import db
from forum.models import LoginSession, Post, utcnow
from forum.services import sessions
from tests.conftest import PASSWORD, kept_fields

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
CONTRIBUTION = {"stance": "agree", "body": "A draft I spent an hour on."}


def log_in_on(app, user, remember: bool = True, agent: str = FIREFOX) -> FlaskClient:
    """A device of its own, logged in through the real form (remember=y by default)."""
    client = app.test_client()
    data = {"username": user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302, response.text
    return client


def logged_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    return response.status_code == 200 and "Your account" in response.text


def replay(app, **cookies: str) -> FlaskClient:
    """A fresh client holding only the copied cookies, as an attacker would."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def rows(user) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)))


# --- logout ends the session on the server -------------------------------------------------


def test_a_copied_session_cookie_is_dead_after_logout(app, reader):
    device = log_in_on(app, reader)
    copied = device.get_cookie("session").value
    assert logged_in(replay(app, session=copied)), "the copy works while the session lives"

    assert device.post("/auth/logout").status_code == 302

    assert not logged_in(replay(app, session=copied))
    assert not logged_in(device)


def test_a_copied_remember_cookie_is_dead_after_logout(app, reader):
    device = log_in_on(app, reader)
    copied = device.get_cookie("remember_token").value
    assert logged_in(replay(app, remember_token=copied)), "the copy works while the session lives"

    device.post("/auth/logout")

    assert not logged_in(replay(app, remember_token=copied))


def test_logout_leaves_the_other_devices_logged_in(app, reader):
    laptop, phone = log_in_on(app, reader), log_in_on(app, reader, agent=ANDROID_CHROME)

    laptop.post("/auth/logout")

    assert not logged_in(laptop)
    assert logged_in(phone)
    assert len(rows(reader)) == 1


def test_a_browser_whose_session_ended_elsewhere_is_told_to_forget_it(app, reader):
    laptop, phone = log_in_on(app, reader), log_in_on(app, reader, agent=ANDROID_CHROME)
    assert phone.post("/account/sessions/end-others").status_code == 302

    response = laptop.get("/")

    # The dead login's cookies go, so the browser reads visitors' pages again.
    assert response.status_code == 200
    assert laptop.get_cookie("remember_token") is None
    with laptop.session_transaction() as session:
        assert "_user_id" not in session
    assert "private" not in laptop.get("/").headers.get("Cache-Control", "")
    assert logged_in(phone)


def test_the_session_key_is_stored_only_as_a_hash(app, reader):
    device = log_in_on(app, reader)
    with device.session_transaction() as session:
        user_id, key = session["_user_id"].split(":")

    [row] = rows(reader)
    assert int(user_id) == reader.id
    assert key not in row.key_hash and len(key) >= 32
    assert row.key_hash == sessions.hash_key(key)
    assert (row.user_agent, row.remember) == (FIREFOX, True)


def test_a_banned_or_deleted_users_sessions_stop_working(app, reader, writer):
    banned, deleted = log_in_on(app, reader), log_in_on(app, writer)

    reader.banned = True
    writer.deleted_at = utcnow()
    db.session.commit()

    assert not logged_in(banned)
    assert not logged_in(deleted)


def test_a_session_unseen_for_the_remember_duration_has_ended(app, reader):
    device = log_in_on(app, reader)
    duration = timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - duration))
    db.session.commit()

    assert not logged_in(device)


def test_a_session_cookie_with_only_the_user_id_logs_no_one_in(app, reader):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(reader.id), True
    assert not logged_in(client)


def test_the_user_and_the_session_are_loaded_in_one_statement(app, reader):
    device = log_in_on(app, reader)
    device.get("/account/profile")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert device.get("/account/profile").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    about_login = [s for s in statements if "login_sessions" in s]
    assert len(about_login) == 1 and "users" in about_login[0]
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


# --- GET never writes; last seen moves on writes -------------------------------------------


def last_seen(user):
    [row] = rows(user)
    return row.last_seen_at


def test_reading_pages_does_not_touch_the_session(app, reader, thread):
    device = log_in_on(app, reader)
    earlier = utcnow() - timedelta(hours=1)
    db.session.execute(update(LoginSession).values(last_seen_at=earlier))
    db.session.commit()

    for url in ("/", "/account", f"/threads/{thread.id}"):
        assert device.get(url).status_code == 200

    assert last_seen(reader) == earlier


def test_a_write_brings_last_seen_up_to_date_at_most_every_few_minutes(app, reader, thread):
    device = log_in_on(app, reader)
    earlier = utcnow() - timedelta(hours=1)
    db.session.execute(update(LoginSession).values(last_seen_at=earlier))
    db.session.commit()

    device.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    touched = last_seen(reader)
    assert utcnow() - touched < timedelta(minutes=1)

    device.post(f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "Another."})
    assert last_seen(reader) == touched, "not again within minutes"


def test_logins_and_logouts_leave_shared_pages_cached(app, reader, writer, thread):
    url = f"/threads/{thread.id}"
    first = log_in_on(app, reader)
    first.get("/account")  # shows the "You are logged in." message
    assert first.get(url).headers["X-Cache"] == "miss"

    other = log_in_on(app, writer)
    other.get("/account")
    assert other.get(url).headers["X-Cache"] == "hit"
    other.post("/auth/logout")
    again = log_in_on(app, writer)
    again.get("/account")
    assert again.get(url).headers["X-Cache"] == "hit"


# --- the account page lists the sessions and ends them ------------------------------------


def session_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="/account/sessions/(\d+)/end"', page)]


def test_the_account_page_lists_the_sessions_with_their_browsers(app, reader):
    log_in_on(app, reader, agent=ANDROID_CHROME)
    laptop = log_in_on(app, reader, remember=False)

    page = laptop.get("/account").text

    assert "Firefox on Windows" in page and "Chrome on Android" in page
    assert page.count("This device") == 1
    this = re.search(r'data-this-device="true".*?data-session="(\d+)"', page, re.S)
    assert this is not None
    [mine] = [row for row in rows(reader) if row.user_agent == FIREFOX]
    assert int(this.group(1)) == mine.id
    assert len(session_ids(page)) == 1, "this device has a Log out button instead"


def test_ending_a_session_logs_that_device_out(app, reader):
    phone = log_in_on(app, reader, agent=ANDROID_CHROME)
    laptop = log_in_on(app, reader)
    [phone_row] = [row for row in rows(reader) if row.user_agent == ANDROID_CHROME]

    response = laptop.post(f"/account/sessions/{phone_row.id}/end")

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "The session is ended." in laptop.get("/account").text
    assert not logged_in(phone)
    assert logged_in(laptop)


def test_another_users_session_cannot_be_ended(app, reader, writer):
    theirs = log_in_on(app, writer)
    mine = log_in_on(app, reader)
    [their_row] = rows(writer)

    assert mine.post(f"/account/sessions/{their_row.id}/end").status_code == 404
    assert mine.post("/account/sessions/999999/end").status_code == 404
    assert logged_in(theirs)


def test_signing_out_everywhere_else(app, reader, writer):
    phone = log_in_on(app, reader, agent=ANDROID_CHROME)
    tablet = log_in_on(app, reader)
    bystander = log_in_on(app, writer)
    laptop = log_in_on(app, reader)

    response = laptop.post("/account/sessions/end-others")

    assert response.status_code == 302
    assert "Your other sessions are ended." in laptop.get("/account").text
    assert not logged_in(phone) and not logged_in(tablet)
    assert logged_in(laptop) and logged_in(bystander)


def test_a_password_change_ends_the_other_sessions_and_renews_this_one(app, reader):
    phone = log_in_on(app, reader, agent=ANDROID_CHROME)
    laptop = log_in_on(app, reader)
    copied = laptop.get_cookie("session").value
    new = "a brand new password"

    response = laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new, "password_confirm": new},
    )

    assert response.status_code == 302
    assert logged_in(laptop)
    assert not logged_in(phone)
    assert not logged_in(replay(app, session=copied)), "a copy of this device's cookie dies too"
    [row] = rows(reader)
    assert row.remember, "this device stays remembered"


def test_many_logins_keep_only_the_newest_sessions(app, reader):
    for _ in range(sessions.MAX_SESSIONS + 3):
        sessions.start(reader, FIREFOX, remember=False)
    assert len(rows(reader)) == sessions.MAX_SESSIONS


# --- the remember cookie -------------------------------------------------------------------


class TestProductionCookies:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "SESSION_COOKIE_SECURE": True, "FORCE_HTTPS": True}

    def test_the_remember_cookie_is_secure_host_only_and_lives_30_days(self, client, reader):
        response = client.post(
            "/auth/login",
            data={"username": "reader", "password": PASSWORD, "remember": "y"},
            base_url="https://localhost",
        )

        cookies = {line.split("=", 1)[0]: line for line in response.headers.getlist("Set-Cookie")}
        assert set(cookies) == {"__Host-session", "__Host-remember_token"}
        for line in cookies.values():
            attributes = [part.strip() for part in line.split(";")]
            assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
            assert not any(part.lower().startswith("domain=") for part in attributes)
        remember = cookies["__Host-remember_token"]
        expires = parse_date(re.search(r"Expires=([^;]+)", remember).group(1))
        assert abs(expires - utcnow() - timedelta(days=30)) < timedelta(minutes=1)

        assert client.get("/account", base_url="https://localhost").status_code == 200

    def test_an_explicit_remember_cookie_setting_is_kept(self, app_config):
        from forum import create_app

        app = create_app({**app_config, "REMEMBER_COOKIE_SECURE": False})
        assert app.config["REMEMBER_COOKIE_SECURE"] is False
        assert app.config["REMEMBER_COOKIE_NAME"] == "remember_token"
        assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"


def test_in_development_the_cookies_keep_their_plain_names(app, reader):
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    device = log_in_on(app, reader)
    assert device.get_cookie("session") is not None
    assert device.get_cookie("remember_token") is not None


# --- an expired form gives the text back ---------------------------------------------------


def token_in(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


class TestExpiredForm:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_after_a_browser_restart_the_draft_comes_back_and_sends(self, client, reader, thread):
        token = token_in(client.get("/auth/login").text)
        login = {"username": "reader", "password": PASSWORD, "remember": "y", "csrf_token": token}
        client.post("/auth/login", data=login)
        old_token = token_in(client.get(f"/threads/{thread.id}").text)
        client.delete_cookie("session")  # the browser restarts: only the remember cookie is left

        response = client.post(
            f"/threads/{thread.id}/posts", data={**CONTRIBUTION, "csrf_token": old_token}
        )

        assert response.status_code == 400
        assert "Nothing was saved." in response.text
        assert kept_fields(response.text) == CONTRIBUTION
        assert "Send again" in response.text
        fresh = token_in(response.text)
        assert fresh != old_token
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0

        url = f"/threads/{thread.id}/posts"
        again = client.post(url, data={**CONTRIBUTION, "csrf_token": fresh})

        assert again.status_code == 302, again.text
        assert db.session.scalar(select(Post.body)) == CONTRIBUTION["body"]

    def test_ending_a_session_needs_the_token_from_the_account_page(self, app, client, reader):
        other = app.test_client()
        other.post(  # the login form's own token, from that device
            "/auth/login",
            data={
                "username": "reader",
                "password": PASSWORD,
                "csrf_token": token_in(other.get("/auth/login").text),
            },
        )
        token = token_in(client.get("/auth/login").text)
        client.post(
            "/auth/login", data={"username": "reader", "password": PASSWORD, "csrf_token": token}
        )
        page = client.get("/account").text
        [other_id] = session_ids(page)

        assert client.post(f"/account/sessions/{other_id}/end").status_code == 400
        assert len(rows(reader)) == 2
        url = f"/account/sessions/{other_id}/end"
        assert client.post(url, data={"csrf_token": token_in(page)}).status_code == 302
        assert len(rows(reader)) == 1

    def test_a_button_without_text_says_to_reload(self, client, reader):
        response = client.post("/auth/logout")
        assert response.status_code == 400
        assert "reload the page" in response.text


def test_a_write_from_a_session_ended_elsewhere_keeps_the_text(app, reader, thread):
    device = log_in_on(app, reader)
    db.session.execute(delete(LoginSession))
    db.session.commit()

    response = device.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    assert response.status_code == 401
    assert kept_fields(response.text) == CONTRIBUTION
    assert "log in" in response.text.lower()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


# --- the browser in plain words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (FIREFOX, "Firefox on Windows"),
        (ANDROID_CHROME, "Chrome on Android"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        ("curl/8.5.0", "curl"),
        ("", "Unknown browser"),
    ],
)
def test_the_browser_is_named_in_plain_words(app, agent, words):
    assert sessions.describe_browser(agent) == words
