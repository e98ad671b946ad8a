"""Notification e-mails, as their readers receive them: from a real SMTP server on loopback,
a few minutes after (several notifications in one), or daily; in the reader's language, with
one-click unsubscribe; never for what was read, hidden or e-mailed already."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import mail
from forum.extensions import db
from forum.models import (
    EmailKind,
    EmailMode,
    Notification,
    NotificationKind,
    utcnow,
)
from forum.notifications import letters
from forum.services import following, moderation, notification_mail, posts
from forum.services.posts import Contribution

PUBLIC_URL = "https://debat.example.dk"
LATER = timedelta(minutes=10)  # past NOTIFY_EMAIL_DELAY


@pytest.fixture
def app_config(app_config: dict, smtp) -> dict:
    return {**app_config, **smtp.config, "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def contribution(thread, make_user):
    """A disagreement by Karen, who reads the forum in Danish."""
    karen = make_user("karen", locale="da", email_confirmed_at=utcnow())
    return posts.add_contribution(
        thread, karen, Contribution(stance="disagree", body="Tallene var for små.")
    )


def send_instant(now=None) -> int:
    return letters.send_due(EmailMode.INSTANT, (now or utcnow()) + LATER)


def inbox_of(smtp, address: str) -> list:
    return [message for message in smtp.messages if message["To"] == address]


def test_the_author_answering_is_in_the_readers_inbox_with_one_click_unsubscribe(
    app, client, smtp, contribution, author
):
    posts.add_reply(contribution, author, "Godt spørgsmål: se undersøgelsen.")
    assert smtp.messages == []  # it waits, so that more answers can join it

    assert send_instant() == 1

    (message,) = smtp.inbox.wait_for(1)
    assert message["To"] == contribution.author.email
    assert author.name in message["Subject"]
    assert "artiklens forfatter" in message["Subject"]  # in Karen's language
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    reply_link = f"{PUBLIC_URL}/posts/"
    assert reply_link in text and reply_link in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(\S+)>", message["List-Unsubscribe"]).group(1)
    assert unsubscribe.startswith(f"{PUBLIC_URL}/notifications/unsubscribe/")

    # The mail program's one-click POST: no login, no form, no CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(unsubscribe.removeprefix(PUBLIC_URL))
    assert response.status_code == 200
    chosen = notification_mail.choices(contribution.author)
    assert chosen[EmailKind.AUTHOR_REPLY] == EmailMode.OFF
    assert chosen[EmailKind.REPLY] == EmailMode.INSTANT  # only what the e-mail told of

    posts.add_reply(contribution, author, "Og en ting til.")
    assert send_instant() == 0
    assert len(smtp.messages) == 1


def test_the_unsubscribe_link_opened_shows_a_button_and_changes_nothing(
    client, smtp, contribution, author
):
    posts.add_reply(contribution, author, "Et svar.")
    send_instant()
    (message,) = smtp.inbox.wait_for(1)
    path = message["List-Unsubscribe"].strip("<>").removeprefix(PUBLIC_URL)

    page = client.get(path)

    assert page.status_code == 200
    assert '<form method="post">' in page.text
    chosen = notification_mail.choices(contribution.author)
    assert chosen[EmailKind.AUTHOR_REPLY] == EmailMode.INSTANT


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ.forged", "x" * 3000])
def test_a_broken_unsubscribe_link_gets_a_clear_page(client, token):
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}")
        assert response.status_code == 400
        assert "This link is broken" in response.text


def test_three_replies_in_a_row_make_one_email(smtp, contribution, make_user):
    for number in range(3):
        posts.add_reply(contribution, make_user(), f"Svar nummer {number}.")

    assert send_instant() == 1

    (message,) = smtp.inbox.wait_for(1)
    assert "3" in message["Subject"]
    assert message.get_body(("plain",)).get_content().count("/posts/") == 3


def test_nothing_is_emailed_before_the_delay(smtp, contribution, make_user):
    posts.add_reply(contribution, make_user(), "Et svar.")

    assert letters.send_due(EmailMode.INSTANT, utcnow()) == 0
    assert send_instant() == 1


def test_what_the_reader_read_in_the_forum_is_not_emailed(smtp, contribution, make_user):
    posts.add_reply(contribution, make_user(), "Et svar.")
    (notification,) = db.session.scalars(select(Notification)).all()
    notification.read_at = utcnow()
    db.session.commit()

    assert send_instant() == 0
    assert smtp.messages == []


def test_a_reply_hidden_before_the_email_is_not_in_it(
    smtp, contribution, make_user, moderator_user
):
    reply = posts.add_reply(contribution, make_user(), "Noget grimt.")
    moderation.hide_post(reply, moderator_user, "abusive")

    assert send_instant() == 0
    assert smtp.messages == []


def test_a_notification_is_emailed_once_however_often_the_job_runs(smtp, contribution, make_user):
    posts.add_reply(contribution, make_user(), "Et svar.")

    assert send_instant() == 1
    assert send_instant() == 0
    assert send_instant(utcnow() + LATER) == 0
    assert len(smtp.inbox.wait_for(1)) == 1


def test_a_worker_killed_midway_loses_no_notification_and_sends_nothing_twice(
    smtp, thread, make_user, monkeypatch
):
    readers = [make_user(email_confirmed_at=utcnow()) for _ in range(3)]
    answerer = make_user()
    for reader in readers:
        post = posts.add_contribution(
            thread, reader, Contribution(stance="agree", body=f"Enig, {reader.username}.")
        )
        posts.add_reply(post, answerer, f"Svar til {reader.username}.")
    queued = []
    queue = mail.queue

    def dies_after_two(letter, *, what):
        if len(queued) == 2:
            raise SystemExit("the worker was killed")
        queued.append(letter["recipients"])
        return queue(letter, what=what)

    monkeypatch.setattr(mail, "queue", dies_after_two)
    with pytest.raises(SystemExit):
        send_instant()
    monkeypatch.setattr(mail, "queue", queue)

    assert send_instant() == 0  # the third reader's were taken when the worker died
    received = sorted(message["To"] for message in smtp.inbox.wait_for(2))
    assert received == sorted(address for (address,) in queued)
    # Each is still in the forum, for everyone, the third reader too.
    counted = db.session.scalar(
        select(func.count()).where(Notification.kind == NotificationKind.REPLY)
    )
    assert counted == 3


def test_new_contributions_where_one_follows_come_in_the_daily_email(smtp, thread, make_user):
    follower = make_user(email_confirmed_at=utcnow())
    following.choose_for_thread(follower, thread, following.ThreadChoice.FOLLOW)
    posts.add_contribution(thread, make_user(), Contribution(stance="agree", body="Enig."))
    posts.add_contribution(thread, make_user(), Contribution(stance="agree", body="Også enig."))

    assert send_instant() == 0  # new contributions are daily by default
    assert letters.send_due(EmailMode.DAILY, utcnow() + LATER) == 1

    (message,) = smtp.inbox.wait_for(1)
    assert message["To"] == follower.email
    assert "2 new contributions" in message.get_body(("plain",)).get_content()


def test_the_reader_chooses_each_kinds_email_on_the_settings_page(
    client, as_reader, reader, smtp, thread, make_user
):
    page = client.get("/account/notifications")
    assert 'name="email_reply"' in page.text

    fields = {f"email_{kind}": "daily" for kind in EmailKind}
    response = client.post(
        "/account/notifications", data={**fields, "email_reply": "off"}, follow_redirects=True
    )

    assert "Your notification settings are saved." in response.text
    chosen = notification_mail.choices(reader)
    assert chosen[EmailKind.REPLY] == EmailMode.OFF
    assert chosen[EmailKind.AUTHOR_REPLY] == EmailMode.DAILY


def test_a_choice_that_is_no_mode_is_refused_and_changes_nothing(client, as_reader, reader):
    response = client.post("/account/notifications", data={"email_reply": "hourly"})

    assert response.status_code == 200
    assert "Not a valid choice" in response.text
    assert notification_mail.choices(reader)[EmailKind.REPLY] == EmailMode.INSTANT


def test_an_unconfirmed_address_gets_no_notification_email(smtp, thread, make_user):
    unconfirmed = make_user(email_confirmed_at=None)
    post = posts.add_contribution(thread, unconfirmed, Contribution(stance="agree", body="Enig."))
    posts.add_reply(post, make_user(), "Et svar.")

    assert send_instant() == 0
    kinds = db.session.scalars(select(Notification.kind)).all()
    assert kinds == [NotificationKind.REPLY]  # in the forum all the same


@pytest.fixture
def moderator_user(make_user):
    from forum.models import Role

    return make_user("moderator", role=Role.MODERATOR)


def test_a_threads_new_contributions_after_its_email_come_in_the_next_one(smtp, thread, make_user):
    follower = make_user(email_confirmed_at=utcnow())
    following.choose_for_thread(follower, thread, following.ThreadChoice.FOLLOW)
    posts.add_contribution(thread, make_user(), Contribution(stance="agree", body="Enig."))
    assert letters.send_due(EmailMode.DAILY, utcnow() + LATER) == 1

    posts.add_contribution(thread, make_user(), Contribution(stance="agree", body="Også."))

    assert letters.send_due(EmailMode.DAILY, utcnow() + LATER) == 1
    second = smtp.inbox.wait_for(2)[1]
    # Unread in the forum since the first e-mail: the entry counts both.
    assert "2 new contributions" in second.get_body(("plain",)).get_content()
