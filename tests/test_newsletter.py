"""The newsletter: double opt-in, the weekly issue to each subscriber once, one-click unsubscribe,
and the archive of past issues."""

import email
import email.policy
import re
import smtplib
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import flask_mail
import itsdangerous
import itsdangerous.timed
import pytest
from sqlalchemy import func, select, update

from forum.extensions import db, mail
from forum.models import (
    NewsletterDelivery,
    NewsletterIssue,
    Post,
    Role,
    Stance,
    Subscriber,
    SubscriberStatus,
    utcnow,
)
from forum.newsletter import letters, sending, tasks
from forum.services import moderation, newsletter
from forum.services import newsletter_issues as issues
from forum.services.account_data import export_user_data
from forum.services.newsletter_issues import Recipient
from forum.services.posts import Contribution, add_contribution
from forum.services.votes import cast_vote
from tests.conftest import kept_fields

PUBLIC_URL = "https://debat.example.dk"
CONFIRM_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/newsletter/confirm/\S+)")
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
CHECK_INBOX = "Check your inbox: we sent a message to"


@pytest.fixture
def settings() -> dict:
    """Settings of a test's own, on top of the module's (parametrize it)."""
    return {}


@pytest.fixture
def app_config(app_config: dict, settings: dict, request) -> dict:
    config = {**app_config, "PUBLIC_URL": PUBLIC_URL, **settings}
    if "smtp" in request.fixturenames:
        config |= request.getfixturevalue("smtp").config
    return config


CSRF_ON = pytest.mark.parametrize("settings", [{"WTF_CSRF_ENABLED": True}])


def subscriber(address: str) -> Subscriber:
    db.session.expire_all()
    return db.session.scalar(select(Subscriber).where(Subscriber.email == address))


def confirmed(address: str, locale: str = "en") -> Subscriber:
    """A subscriber who followed their link (through the services, no e-mail)."""
    found = newsletter.subscribe(address, locale).subscriber
    newsletter.confirm(found)
    return found


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def week(thread, writer, make_user):
    """A week with something to tell: a new article (the thread's) and its debate, its posts
    voted up enough for the summary to name them."""
    critic = make_user("critic")
    voters = [make_user(f"voter{number}") for number in range(3)]
    agreement = add_contribution(thread, writer, Contribution("agree", "Hiring posts work."))
    disagreement = add_contribution(
        thread, critic, Contribution("disagree", "Only for big brands.")
    )
    example = add_contribution(
        thread,
        writer,
        Contribution(
            "example",
            "Our post doubled applications.",
            organisation="Nordlys",
            channel="linkedin",
            effect="supports",
        ),
    )
    for post in (agreement, disagreement, example):
        for voter in voters:
            cast_vote(post.id, voter, 1)
    return thread


@pytest.fixture
def later(monkeypatch):
    """Move the signed links' clock forward by some seconds."""

    def move(seconds: int) -> None:
        real = time.time
        monkeypatch.setattr(
            itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(real()) + seconds
        )

    return move


@pytest.fixture
def moderator_hides(make_user):
    """Hide the post with this text, as a moderator does."""
    moderator = make_user("moderator", role=Role.MODERATOR)

    def hide(body: str) -> None:
        post = db.session.scalar(select(Post).where(Post.body == body))
        moderation.hide_post(post, moderator, "abusive", "")

    return hide


def send(**options) -> sending.Outcome:
    return sending.send_this_week(by_hand=True, **options)


# --- subscribing ------------------------------------------------------------------------------


def test_subscribing_sends_a_link_whose_page_confirms_only_with_a_post(client, article):
    with mail.record_messages() as outbox:
        response = client.post(
            "/newsletter/subscribe",
            data={"email": "Tove@Example.dk", "next": f"/articles/{article.slug}"},
        )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/articles/{article.slug}"
    assert CHECK_INBOX in client.get(response.headers["Location"]).text
    assert [message.recipients for message in outbox] == [["tove@example.dk"]]
    assert subscriber("tove@example.dk").status == SubscriberStatus.PENDING

    path = CONFIRM_LINK.search(outbox[0].body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert "tove@example.dk" in page.text and '<form method="post">' in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert subscriber("tove@example.dk").status == SubscriberStatus.PENDING, "GET never writes"

    response = client.post(path)

    assert response.status_code == 302
    assert "you are subscribed to the newsletter" in client.get(response.headers["Location"]).text
    assert subscriber("tove@example.dk").status == SubscriberStatus.CONFIRMED
    assert "already goes to tove@example.dk" in client.get(path).text


def test_asking_again_answers_the_same_and_sends_at_most_one_mail_a_while(client):
    def ask() -> tuple[int, str, list]:
        with mail.record_messages() as outbox:
            response = client.post("/newsletter/subscribe", data={"email": "tove@example.dk"})
        text = client.get(response.headers["Location"]).text
        flashed = re.search(r'class="flash flash-info"[^>]*>([^<]+)<', text).group(1)
        return response.status_code, flashed, outbox

    def some_time_passes() -> None:
        db.session.execute(update(Subscriber).values(mailed_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()

    first = ask()
    again = ask()  # pending, a moment later
    some_time_passes()
    later = ask()
    newsletter.confirm(subscriber("tove@example.dk"))
    some_time_passes()
    subscribed = ask()
    subscribed_again = ask()

    answers = {(status, flashed) for status, flashed, _outbox in (first, again, later)}
    answers |= {(status, flashed) for status, flashed, _outbox in (subscribed, subscribed_again)}
    assert len(answers) == 1, "the answer never tells whether the address is subscribed"
    assert [len(outbox) for *_answer, outbox in (first, again, later)] == [1, 0, 1]
    assert CONFIRM_LINK.search(later[2][0].body)
    assert len(subscribed[2]) == 1 and len(subscribed_again[2]) == 0
    notice = subscribed[2][0]
    assert "It already goes here" in notice.body and not CONFIRM_LINK.search(notice.body)
    assert count(Subscriber) == 1


def test_a_refused_address_comes_back_as_typed_with_the_reason(client):
    response = client.post(
        "/newsletter/subscribe", data={"email": "tove(at)example.dk", "next": "/"}
    )

    assert response.status_code == 422
    assert "That does not look like an e-mail address." in response.text
    assert kept_fields(response.text)["email"] == "tove(at)example.dk"
    assert count(Subscriber) == 0


def test_a_foreign_next_is_not_followed(client):
    response = client.post(
        "/newsletter/subscribe", data={"email": "tove@example.dk", "next": "//evil.example"}
    )
    assert response.headers["Location"] == "/newsletter"


def test_the_subscriber_keeps_the_language_they_subscribed_in(client):
    client.set_cookie("forum_lang", "da")
    with mail.record_messages() as outbox:
        client.post("/newsletter/subscribe", data={"email": "tove@example.dk"})

    assert subscriber("tove@example.dk").locale == "da"
    assert len(outbox) == 1


def test_the_front_and_article_pages_carry_the_form_with_a_readers_token_only(
    client, as_reader, article
):
    for path in ("/", f"/articles/{article.slug}"):
        readers = as_reader.get(path).text
        box = readers[readers.index('class="newsletter-box"') :]
        assert 'action="/newsletter/subscribe"' in box
        assert re.search(r'name="csrf_token" value="[^"]+"', box.split("</form>")[0])

    visitor = as_reader.application.test_client()
    for path in ("/", f"/articles/{article.slug}"):
        response = visitor.get(path)
        box = response.text[response.text.index('class="newsletter-box"') :].split("</form>")[0]
        assert "csrf_token" not in box
        assert "Set-Cookie" not in response.headers


@CSRF_ON
def test_a_visitor_from_a_shared_page_sends_the_form_once_more_with_a_token(client):
    with mail.record_messages() as outbox:
        # The shared front page's form, which holds no token for visitors.
        again = client.post(
            "/newsletter/subscribe", data={"email": "tove@example.dk", "next": "/"}
        )
        assert again.status_code == 200
        assert "One more step" in again.text
        assert kept_fields(again.text)["email"] == "tove@example.dk"
        assert count(Subscriber) == 0 and outbox == []

        fields = {"email": "tove@example.dk", "next": "/", "csrf_token": token_in(again.text)}
        response = client.post("/newsletter/subscribe", data=fields)

    assert response.status_code == 302
    assert len(outbox) == 1 and subscriber("tove@example.dk") is not None


def token_in(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize(
    "settings",
    [
        {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "RATELIMIT_NEWSLETTER": "2/hour",
        }
    ],
)
def test_subscribing_is_rate_limited_and_the_address_comes_back(client):
    # A mistyped address costs nothing.
    assert client.post("/newsletter/subscribe", data={"email": "nope"}).status_code == 422
    for number in (1, 2):
        data = {"email": f"reader{number}@example.dk"}
        assert client.post("/newsletter/subscribe", data=data).status_code == 302

    response = client.post("/newsletter/subscribe", data={"email": "third@example.dk"})

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert kept_fields(response.text)["email"] == "third@example.dk"
    assert subscriber("third@example.dk") is None


# --- the links in the e-mails -----------------------------------------------------------------


def test_bad_and_forged_links_get_a_clear_page_never_a_500(app, client, later):
    someone = newsletter.subscribe("tove@example.dk", "en").subscriber
    real_confirm = newsletter.confirm_token(someone)
    real_unsubscribe = newsletter.unsubscribe_token(someone.id)
    foreign = itsdangerous.URLSafeSerializer("another key", salt=newsletter.UNSUBSCRIBE_SALT)
    signed = itsdangerous.URLSafeSerializer(app.config["SECRET_KEY"], newsletter.UNSUBSCRIBE_SALT)
    timed = itsdangerous.URLSafeTimedSerializer(app.config["SECRET_KEY"], newsletter.CONFIRM_SALT)
    bad = [
        "garbage",
        real_confirm[:-3] + "AAA",
        real_unsubscribe[:-3] + "AAA",
        foreign.dumps(someone.id),
        signed.dumps("not a number"),
        signed.dumps(True),
        signed.dumps(10**6),  # no such subscriber
        signed.dumps(10**20),  # nor one the id column could hold
        timed.dumps([someone.id]),
        real_confirm,  # a confirmation token is no unsubscribe token, and back
    ]
    for kind in ("confirm", "unsubscribe"):
        for token in bad:
            if (kind, token) == ("confirm", real_confirm):
                token = real_unsubscribe
            for method in (client.get, client.post):
                response = method(f"/newsletter/{kind}/{token}", data=ONE_CLICK)
                assert response.status_code == 400, (kind, token)
                assert "This newsletter link is not valid." in response.text

    later(8 * 24 * 3600)
    response = client.post(f"/newsletter/confirm/{real_confirm}")
    assert response.status_code == 400
    assert "This confirmation link has expired." in response.text
    assert subscriber("tove@example.dk").status == SubscriberStatus.PENDING


def test_a_confirmation_link_after_unsubscribing_confirms_nothing(client):
    someone = newsletter.subscribe("tove@example.dk", "en").subscriber
    token = newsletter.confirm_token(someone)
    newsletter.unsubscribe(someone)

    response = client.post(f"/newsletter/confirm/{token}")

    assert response.status_code == 409
    assert "Subscribe again" in response.text
    assert subscriber("tove@example.dk").status == SubscriberStatus.UNSUBSCRIBED


@CSRF_ON
def test_the_unsubscribe_page_asks_and_its_post_needs_no_login_or_token(client):
    someone = confirmed("tove@example.dk")
    path = f"/newsletter/unsubscribe/{newsletter.unsubscribe_token(someone.id)}"

    page = client.get(path)
    assert page.status_code == 200 and "Stop sending the newsletter" in page.text
    assert subscriber("tove@example.dk").status == SubscriberStatus.CONFIRMED

    response = client.post(path, data=ONE_CLICK)
    assert response.status_code == 200
    assert "You will get no more issues." in response.text
    assert subscriber("tove@example.dk").status == SubscriberStatus.UNSUBSCRIBED
    assert client.post(path, data=ONE_CLICK).status_code == 200, "once more changes nothing"
    assert "no longer goes to tove@example.dk" in client.get(path).text


# --- the weekly issue -------------------------------------------------------------------------


def test_the_issue_goes_to_each_confirmed_subscriber_with_links_and_headers(week):
    confirmed("tove@example.dk")
    newsletter.subscribe("pending@example.dk", "en")  # not confirmed: gets nothing

    with mail.record_messages() as outbox:
        outcome = send()

    assert outcome.sent.sent == 1 and outcome.issue.number == 1
    (message,) = outbox
    assert message.recipients == ["tove@example.dk"]
    assert message.subject == "Forum newsletter no. 1: the week's debates"
    for text in (message.body, message.html):
        assert week.article.title in text
        assert "Only for big brands." in text and "Our post doubled applications." in text
        assert f"{PUBLIC_URL}/articles/{week.article.slug}" in text
        assert f"{PUBLIC_URL}/newsletter/1" in text
        assert letters.TOKEN_HOLE not in text
    token = newsletter.unsubscribe_token(subscriber("tove@example.dk").id)
    url = f"{PUBLIC_URL}/newsletter/unsubscribe/{token}"
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert url in message.body and f'href="{url}"' in message.html
    assert "<script" not in message.html and "src=" not in message.html


def test_a_danish_subscriber_gets_danish(week):
    confirmed("tove@example.dk", "da")
    confirmed("ann@example.com", "en")

    with mail.record_messages() as outbox:
        send()

    by_address = {message.recipients[0]: message for message in outbox}
    danish, english = by_address["tove@example.dk"], by_address["ann@example.com"]
    assert "Stærkeste uenighed" in danish.body and "Stærkeste uenighed" in danish.html
    assert 'lang="da"' in danish.html
    assert "Strongest disagreement" in english.body and 'lang="en"' in english.html


def test_running_twice_sends_nothing_the_second_time(week, runner):
    confirmed("tove@example.dk")
    confirmed("ann@example.com")

    with mail.record_messages() as outbox:
        first = runner.invoke(args=["send-digest"])
        second = runner.invoke(args=["send-digest"])
        sending.send_this_week()  # the queue's job, due or not

    assert first.exit_code == 0, first.output
    assert "Issue 1" in first.output and "sent to 2 subscribers" in first.output
    assert "already been sent" in second.output
    assert sorted(message.recipients[0] for message in outbox) == [
        "ann@example.com",
        "tove@example.dk",
    ]
    assert count(NewsletterIssue) == 1 and count(NewsletterDelivery) == 2


def test_an_unsubscribed_address_gets_nothing_even_from_an_issue_being_sent(week, client):
    confirmed("ann@example.com")
    leaving = confirmed("tove@example.dk")
    confirmed("bo@example.dk")
    path = f"/newsletter/unsubscribe/{newsletter.unsubscribe_token(leaving.id)}"

    def unsubscribe_midway(_app, message) -> None:
        if message.recipients == ["ann@example.com"]:
            assert client.post(path, data=ONE_CLICK).status_code == 200

    with mail.record_messages() as outbox:
        with flask_mail.email_dispatched.connected_to(unsubscribe_midway):
            issue = issues.make_issue(utcnow())
            sent = sending.send_issue(issue, batch_size=1)

    assert [message.recipients[0] for message in outbox] == ["ann@example.com", "bo@example.dk"]
    assert sent.sent == 2
    assert issues.issue_of_week(issue.year, issue.week).completed_at is not None


def test_a_sender_killed_midway_is_followed_by_one_that_sends_only_the_rest(week, monkeypatch):
    addresses = [f"reader{number}@example.dk" for number in range(5)]
    for address in addresses:
        confirmed(address)
    issue = issues.make_issue(utcnow())
    handed = []

    class Killed(BaseException):
        """As the worker's process ending: no handler in the sender runs."""

    real_send = sending._send_one

    def dies_at_the_third(connection, message, delivery_id, result):
        if len(handed) == 2:
            raise Killed()
        handed.append(message.recipients[0])
        real_send(connection, message, delivery_id, result)

    monkeypatch.setattr(sending, "_send_one", dies_at_the_third)
    monkeypatch.setattr(issues, "release_issue", lambda *args, **kwargs: None)
    with pytest.raises(Killed):
        sending.send_issue(issue, batch_size=2)
    monkeypatch.undo()

    with mail.record_messages() as outbox:
        assert send().sent.busy, "the killed sender's hold has not lapsed yet"
        db.session.execute(
            update(NewsletterIssue).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        outcome = send()

    assert outcome.sent.sent == 3
    assert sorted(handed + [m.recipients[0] for m in outbox]) == sorted(addresses)
    assert not set(handed) & {m.recipients[0] for m in outbox}


def test_two_senders_at_once_send_each_mail_once(week):
    confirmed("tove@example.dk")
    issue = issues.make_issue(utcnow())
    assert issues.take_issue(issue, "the-worker")

    with mail.record_messages() as outbox:
        racing = sending.send_issue(issue)
    assert racing.busy and racing.sent == 0 and outbox == []

    issues.release_issue(issue, "the-worker")
    with mail.record_messages() as outbox:
        assert sending.send_issue(issue).sent == 1
    assert len(outbox) == 1


def test_a_refused_address_is_recorded_and_the_rest_go_out(week, monkeypatch):
    confirmed("gone@example.dk")
    confirmed("tove@example.dk")
    real = flask_mail.Connection.send

    def send_or_refuse(connection, message, envelope_from=None):
        if message.recipients == ["gone@example.dk"]:
            raise smtplib.SMTPRecipientsRefused({"gone@example.dk": (550, b"No such user")})
        return real(connection, message, envelope_from)

    monkeypatch.setattr(flask_mail.Connection, "send", send_or_refuse)
    with mail.record_messages() as outbox:
        outcome = send()

    assert (outcome.sent.sent, outcome.sent.refused) == (1, 1)
    assert [message.recipients for message in outbox] == [["tove@example.dk"]]
    assert db.session.scalar(select(func.count()).where(NewsletterDelivery.refused)) == 1
    assert outcome.issue.completed_at is not None


def test_with_the_mail_server_away_the_rest_waits_for_the_next_run(week, monkeypatch):
    confirmed("tove@example.dk")
    confirmed("ann@example.com")

    def away(connection, message, envelope_from=None):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(flask_mail.Connection, "send", away)
    stopped = send()
    monkeypatch.undo()
    with mail.record_messages() as outbox:
        resumed = send()

    assert stopped.sent.error and stopped.sent.sent == 0
    assert resumed.sent.sent == 2 and len(outbox) == 2


def test_the_dry_run_prints_who_would_get_what_and_sends_and_records_nothing(week, runner):
    confirmed("tove@example.dk", "da")
    confirmed("ann@example.com", "en")

    with mail.record_messages() as outbox:
        result = runner.invoke(args=["send-digest", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Issue 1" in result.output and "Would go to 2 subscribers" in result.output
    assert "ann@example.com (en): Forum newsletter no. 1" in result.output
    assert "tove@example.dk (da):" in result.output
    assert outbox == []
    assert count(NewsletterIssue) == 0 and count(NewsletterDelivery) == 0


def test_a_week_with_nothing_in_it_sends_nothing(app, runner):
    confirmed("tove@example.dk")

    with mail.record_messages() as outbox:
        dry = runner.invoke(args=["send-digest", "--dry-run"])
        result = runner.invoke(args=["send-digest"])

    assert "no issue would be sent" in dry.output
    assert "no issue sent" in result.output
    assert outbox == []
    assert db.session.scalar(select(NewsletterIssue.number)) is None
    assert issues.archive() == []


def test_the_queue_sends_at_the_configured_day_and_hour(app, week):
    confirmed("tove@example.dk")
    now = utcnow()
    app.config.update(NEWSLETTER_DAY=now.weekday(), NEWSLETTER_HOUR=now.hour)
    due = issues.scheduled_moment(now, now.weekday(), now.hour)

    with mail.record_messages() as outbox:
        assert sending.send_this_week(due - timedelta(minutes=1)) == sending.Outcome(None, None)
        assert outbox == [] and count(NewsletterIssue) == 0
        tasks.weekly_newsletter()  # the periodic job, as the consumer runs it
        tasks.weekly_newsletter()

    assert [message.recipients for message in outbox] == [["tove@example.dk"]]


def test_the_schedule_settings_are_checked_and_a_wrong_one_costs_no_page(app, client):
    app.config["NEWSLETTER_DAY"] = 7
    with pytest.raises(sending.BadSchedule, match="NEWSLETTER_DAY"):
        sending.send_this_week()
    tasks.weekly_newsletter()  # says so in the log, and sends nothing

    page = client.get("/newsletter")
    assert page.status_code == 200 and "once a week by e-mail" in page.text


# --- the archive ------------------------------------------------------------------------------


def test_the_archive_shows_past_issues_without_anyones_links(client, week, moderator_hides):
    confirmed("tove@example.dk")
    send()

    listing = client.get("/newsletter")
    assert listing.status_code == 200
    assert 'href="/newsletter/1"' in listing.text

    page = client.get("/newsletter/1")
    assert page.status_code == 200
    assert week.article.title in page.text and "Only for big brands." in page.text
    assert "unsubscribe" not in page.text.lower()
    assert "tove@example.dk" not in page.text

    moderator_hides("Only for big brands.")
    assert "Only for big brands." not in client.get("/newsletter/1").text
    assert client.get("/newsletter/2").status_code == 404


def test_the_account_export_carries_the_addresss_subscription(make_user):
    user = make_user("tove", email="tove@example.dk")
    assert export_user_data(user)["newsletter"] is None

    confirmed("tove@example.dk", "da")

    exported = export_user_data(user)["newsletter"]
    assert exported["email"] == "tove@example.dk"
    assert (exported["status"], exported["locale"]) == ("confirmed", "da")
    assert exported["confirmed_at"] is not None and exported["unsubscribed_at"] is None


# --- end to end, through a real mail server ---------------------------------------------------


@CSRF_ON
def test_subscribe_confirm_receive_and_unsubscribe_with_one_click(
    app, client, smtp, runner, week, make_post
):
    confirmed("other@example.com")  # who shows that next week's issue does go out

    token = token_in(client.get("/newsletter").text)
    client.post("/newsletter/subscribe", data={"email": "tove@example.dk", "csrf_token": token})
    (confirmation,) = smtp.inbox.wait_for(1)
    assert confirmation["To"] == "tove@example.dk"
    path = CONFIRM_LINK.search(confirmation.get_body(("plain",)).get_content()).group(1)
    assert (
        client.post(path, data={"csrf_token": token_in(client.get(path).text)}).status_code == 302
    )

    result = runner.invoke(args=["send-digest"])
    assert "sent to 2 subscribers" in result.output, result.output
    digest = next(m for m in smtp.inbox.wait_for(3)[1:] if m["To"] == "tove@example.dk")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = digest["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith(f"{PUBLIC_URL}/newsletter/unsubscribe/")
    assert week.article.title in digest.get_body(("html",)).get_content()
    assert week.article.title in digest.get_body(("plain",)).get_content()

    # What a mail program does for "unsubscribe": a POST, with no cookie and no token.
    one_click = app.test_client().post(urlsplit(unsubscribe).path, data=ONE_CLICK)
    assert one_click.status_code == 200

    next_week = utcnow() + timedelta(days=7)
    make_post(thread=week, stance=Stance.AGREE, body="Next week's case.")
    db.session.execute(
        update(Post)
        .where(Post.body == "Next week's case.")
        .values(created_at=next_week - timedelta(days=1))
    )
    db.session.commit()
    outcome = sending.send_this_week(next_week, by_hand=True)

    assert outcome.issue.number == 2 and outcome.sent.sent == 1
    arrived = smtp.inbox.wait_for(4)
    assert [m["To"] for m in arrived[3:]] == ["other@example.com"]
    time.sleep(0.2)
    assert len(smtp.messages) == 4, "nothing more reached the address that unsubscribed"


def test_each_copy_reads_as_the_email_package_would_write_it(week):
    tove = confirmed("tove@example.dk", "da")
    letter = letters.render_issue(issues.digest(issues.make_issue(utcnow())), "da")
    assert letter.skeleton is not None, "the copies are made from the letter's bytes"

    for address in ("tove@example.dk", "tove@exämple.dk"):
        copy = letter.to(Recipient(1, tove.id, address, "da"))
        raw = copy.as_bytes()
        fast = email.message_from_bytes(raw, policy=email.policy.default)
        slow = email.message_from_bytes(
            flask_mail.Message.as_bytes(copy), policy=email.policy.default
        )
        for header in ("From", "To", "Subject", "Date", "Message-ID", *copy.extra_headers):
            assert fast[header].strip() == slow[header].strip(), header
        for kind in ("plain", "html"):
            assert fast.get_body((kind,)).get_content() == slow.get_body((kind,)).get_content()
        assert "Stærkeste uenighed" in fast.get_body(("plain",)).get_content()
        # The address as it is, not in RFC 2047 words: mail programs read it as a URL.
        url = copy.extra_headers["List-Unsubscribe"]
        assert f"\r\nList-Unsubscribe:\r\n {url}\r\n".encode() in raw


def test_an_address_flask_mail_cannot_write_is_recorded_and_the_rest_go_out(week, smtp):
    confirmed("tøve@example.dk")  # valid, but needs SMTPUTF8, which Flask-Mail does not speak
    confirmed("ann@example.com")

    outcome = send()

    assert (outcome.sent.sent, outcome.sent.refused) == (1, 1)
    assert [message["To"] for message in smtp.inbox.wait_for(1)] == ["ann@example.com"]
    assert outcome.issue.completed_at is not None
