"""Changing the e-mail address: the confirmed address stays until the new one is confirmed."""

import io
import json
import re

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db, mail
from forum.models import Post, User, utcnow
from forum.services.transfer import export_data, import_data
from tests.conftest import PASSWORD

OLD = "reader@example.org"
NEW = "new@example.org"


def link_path(message) -> str:
    """The path of the one link in an e-mail."""
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def stored(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@pytest.fixture
def confirmed(reader) -> User:
    reader.email_confirmed_at = utcnow()
    db.session.commit()
    return reader


def ask_for(client, address: str) -> list:
    """Ask for a change of address through the account page's form; the e-mails it sent."""
    with mail.record_messages() as outbox:
        response = client.post(
            "/account/email", data={"email": address, "current_password": PASSWORD}
        )
    assert response.status_code == 302, response.text
    return outbox


def to(outbox: list, address: str):
    (message,) = [message for message in outbox if message.recipients == [address]]
    return message


def test_the_confirmed_address_stays_until_the_new_one_is_confirmed(client, confirmed, log_in):
    log_in(confirmed)
    outbox = ask_for(client, "New@Example.org")

    assert sorted(message.recipients[0] for message in outbox) == [NEW, OLD]
    user = stored(confirmed.id)
    assert (user.email, user.email_confirmed, user.pending_email) == (OLD, True, NEW)
    page = client.get("/account").text
    assert f"Waiting for confirmation: {NEW}" in page

    confirmation = link_path(to(outbox, NEW))
    assert NEW in client.get(confirmation).text
    assert stored(confirmed.id).email == OLD, "GET never writes"
    with mail.record_messages() as after:
        response = client.post(confirmation)

    assert response.status_code == 302
    user = stored(confirmed.id)
    assert (user.email, user.email_confirmed, user.pending_email) == (NEW, True, None)
    assert "Your e-mail address is now new@example.org" in client.get("/account").text
    # The old address is told that the account has moved.
    assert [message.recipients for message in after] == [[OLD]]


def test_the_old_address_is_told_and_told_how_to_cancel(as_reader, reader):
    notice = to(ask_for(as_reader, NEW), OLD)

    assert NEW in notice.body
    assert "Cancel the change" in notice.body
    assert "http://localhost/account" in notice.body
    assert "/account/confirm/" not in notice.body, "the old address gets no link to confirm"


def test_until_then_login_and_password_reset_use_the_confirmed_address(client, confirmed, log_in):
    log_in(confirmed)
    ask_for(client, NEW)
    client.post("/auth/logout")

    with mail.record_messages() as outbox:
        client.post("/auth/reset", data={"email": NEW})
        client.post("/auth/reset", data={"email": OLD})
    assert [message.recipients for message in outbox] == [[OLD]]

    refused = client.post("/auth/login", data={"username": NEW, "password": PASSWORD})
    assert refused.status_code == 422
    accepted = client.post("/auth/login", data={"username": OLD, "password": PASSWORD})
    assert accepted.status_code == 302


class TestWhenConfirmationIsRequired:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "REQUIRE_CONFIRMED_EMAIL": True}

    def test_a_pending_change_does_not_stop_the_reader_posting(
        self, client, confirmed, log_in, thread
    ):
        log_in(confirmed)
        ask_for(client, NEW)

        response = client.post(
            f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "My point"}
        )
        assert response.status_code == 302
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_link_for_an_earlier_change_changes_nothing(as_reader, reader):
    first = link_path(to(ask_for(as_reader, "first@example.org"), "first@example.org"))
    ask_for(as_reader, "second@example.org")

    response = as_reader.post(first)

    assert response.status_code == 400
    assert "no longer waiting to be confirmed" in response.text
    user = stored(reader.id)
    assert (user.email, user.pending_email) == (OLD, "second@example.org")


def test_following_the_link_twice_says_it_is_done(as_reader, reader):
    confirmation = link_path(to(ask_for(as_reader, NEW), NEW))
    as_reader.post(confirmation)

    again = as_reader.post(confirmation, follow_redirects=True)

    assert again.status_code == 200
    assert "already confirmed" in again.text
    assert stored(reader.id).email == NEW


def test_an_address_taken_meanwhile_is_not_taken_over(as_reader, reader, make_user):
    confirmation = link_path(to(ask_for(as_reader, NEW), NEW))
    make_user("quicker", email=NEW)

    shown = as_reader.get(confirmation)
    response = as_reader.post(confirmation)

    for answer in (shown, response):
        assert answer.status_code == 409
        assert "Another account uses that address now" in answer.text
    user = stored(reader.id)
    assert (user.email, user.pending_email) == (OLD, NEW)


def test_the_pending_change_can_be_cancelled(as_reader, reader):
    confirmation = link_path(to(ask_for(as_reader, NEW), NEW))

    response = as_reader.post("/account/email/cancel", follow_redirects=True)

    assert "The change of your e-mail address is cancelled." in response.text
    assert "Waiting for confirmation" not in response.text
    user = stored(reader.id)
    assert (user.email, user.pending_email) == (OLD, None)
    assert as_reader.post(confirmation).status_code == 400
    assert stored(reader.id).email == OLD


def test_an_unconfirmed_account_confirms_its_new_address_by_the_link(as_reader, reader):
    confirmation = link_path(to(ask_for(as_reader, NEW), NEW))
    assert not stored(reader.id).email_confirmed

    as_reader.post(confirmation)

    user = stored(reader.id)
    assert (user.email, user.email_confirmed, user.pending_email) == (NEW, True, None)


def test_asking_for_an_address_in_use_keeps_what_was_typed(as_reader, reader, make_user):
    make_user("other", email="other@example.org")
    response = as_reader.post(
        "/account/email", data={"email": "other@example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 422
    assert 'value="other@example.org"' in response.text
    assert stored(reader.id).pending_email is None


def test_the_data_export_holds_the_pending_address(as_reader, reader):
    ask_for(as_reader, NEW)

    data = json.loads(as_reader.get("/account/export").data)

    assert data["profile"]["email"] == OLD
    assert data["profile"]["pending_email"] == NEW


def test_a_deleted_account_keeps_no_pending_address(as_reader, reader):
    ask_for(as_reader, NEW)

    as_reader.post("/account/delete", data={"mode": "anonymise", "current_password": PASSWORD})

    assert stored(reader.id).pending_email is None


def test_the_pending_address_moves_with_the_forum(reader, app_config, tmp_path):
    reader.pending_email = NEW
    db.session.commit()
    out = io.StringIO()
    export_data(out)

    config = {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'copy.sqlite'}"}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    with create_app(config).app_context():
        try:
            db.create_all()
            import_data(io.StringIO(out.getvalue()))
            moved = db.session.scalar(select(User).where(User.username == "reader"))
            assert moved.pending_email == NEW
        finally:
            db.session.remove()
            db.engine.dispose()
