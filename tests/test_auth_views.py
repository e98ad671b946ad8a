"""Registering, logging in and out through the HTTP interface."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User

GOOD = {
    "username": "Karen_H",
    "email": "karen@example.dk",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
}


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_creates_the_account_and_sends_to_the_inbox_and_login(client):
    response = client.post("/auth/register", data=GOOD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    user = db.session.scalar(select(User))
    assert (user.username, user.email) == ("Karen_H", "karen@example.dk")
    assert user.password_hash.startswith("$argon2id$")
    page = client.get("/auth/login").text
    assert "Check your inbox: we sent a message to karen@example.dk." in page
    client.post("/auth/login", data={"username": "karen_h", "password": GOOD["password"]})
    assert "Log out" in client.get("/").text


def test_register_follows_a_local_next_only(client):
    response = client.post("/auth/register?next=/users/x", data=GOOD)
    assert response.headers["Location"] == "/auth/login?next=/users/x"


def test_register_ignores_a_next_to_another_site(client):
    response = client.post("/auth/register?next=//evil.example/", data=GOOD)
    assert response.headers["Location"] == "/auth/login"


def test_register_form_is_shown(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    for name in ("username", "email", "password", "password_confirm"):
        assert f'name="{name}"' in response.text


def test_rejected_registration_keeps_the_typed_text_and_says_why(client, make_user):
    make_user("karen_h")

    response = client.post("/auth/register", data=GOOD)

    assert response.status_code == 422
    assert "That username is taken." in response.text
    assert 'value="Karen_H"' in response.text
    assert 'value="karen@example.dk"' in response.text
    assert count_users() == 1


def test_registration_with_a_taken_email_creates_nothing_and_does_not_say_so(client, make_user):
    make_user("other", email="KAREN@example.dk")
    response = client.post("/auth/register", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "Check your inbox" in client.get("/auth/login").text
    assert count_users() == 1


def test_registration_checks_shape_of_every_field(client):
    response = client.post(
        "/auth/register",
        data={
            "username": "a b",
            "email": "not-an-address",
            "password": "short",
            "password_confirm": "different",
        },
    )

    assert response.status_code == 422
    text = response.text
    assert "3 to 30 characters: letters, digits, _ and -." in text
    assert "That does not look like an e-mail address." in text
    assert "Use between 10 and 256 characters." in text
    assert "The two passwords differ." in text
    assert count_users() == 0


def test_login_accepts_username_in_any_case_and_email(client, reader, log_in):
    for login in ("READER", "reader@example.org"):
        response = client.post(
            "/auth/login", data={"username": login, "password": "correct horse battery"}
        )
        assert response.status_code == 302
        client.post("/auth/logout")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, reader):
    response = client.post(
        "/auth/login", data={"username": "reader", "password": "nope nope nope"}
    )

    assert response.status_code == 422
    assert "Wrong username, e-mail address or password." in response.text
    assert 'value="reader"' in response.text
    assert "Log out" not in response.text


def test_login_redirects_to_a_local_next(client, reader):
    response = client.post(
        "/auth/login?next=/threads/7",
        data={"username": "reader", "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/threads/7"


def test_logout_is_a_post_and_ends_the_session(as_reader):
    assert as_reader.get("/auth/logout").status_code == 405

    response = as_reader.post("/auth/logout")

    assert response.status_code == 302
    assert "Log in" in as_reader.get("/").text
    assert as_reader.get("/articles/new").status_code == 302


def test_pages_behind_login_send_visitors_to_the_login_page(client):
    response = client.get("/articles/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/articles/new"


def test_a_form_sent_by_a_visitor_leads_to_login_and_back_to_its_page(client, thread):
    response = client.post(
        f"/threads/{thread.id}/posts",
        data={"stance": "agree", "body": "x"},
        headers={"Referer": f"http://localhost/threads/{thread.id}?sort=new"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=/threads/{thread.id}?sort%3Dnew"
