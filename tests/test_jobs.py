"""The job queue: requests queue e-mail and answer; the consumer (`forum worker`) sends it, and
keeps trying while the mail server is down."""

import json
import os
import re
import signal
import subprocess  # nosec B404
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from forum import jobs
from forum.extensions import db
from forum.models import User
from tests.mailserver import MailServer

SECRET = "worker-tests-" + "k" * 40
PUBLIC_URL = "https://debat.example.dk"
REGISTRATION = {
    "username": "Karen_H",
    "email": "karen@example.dk",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
}

ran: list[tuple] = []


@jobs.task()
def note(*args) -> None:
    ran.append(args)


@pytest.fixture(autouse=True)
def nothing_ran() -> None:
    ran.clear()


def test_a_job_queued_for_after_commit_runs_once_it_commits(app, make_user):
    user = make_user()
    user.display_name = "Karen"
    jobs.after_commit(note, user.id)

    assert ran == []
    db.session.commit()
    assert ran == [(user.id,)]


def test_a_transaction_that_rolls_back_queues_nothing(app, make_user):
    user = make_user()
    jobs.after_commit(note, user.id)
    db.session.rollback()
    db.session.commit()

    assert ran == []


def test_a_savepoint_leaves_the_job_to_its_transaction(app, make_user):
    user = make_user()
    with db.session.begin_nested():
        jobs.after_commit(note, user.id)
    assert ran == []
    db.session.commit()
    assert ran == [(user.id,)]


@jobs.task()
def look(user_id: int) -> None:
    ran.append((db.session.get(User, user_id).username, db.session()))


def test_a_job_runs_in_an_app_context_and_session_of_its_own(app, make_user):
    user = make_user()

    look(user.id)

    ((username, session),) = ran
    assert username == user.username
    assert session is not db.session()


def test_an_unknown_queue_address_is_refused_at_start(app_config):
    from forum import create_app

    with pytest.raises(ValueError, match="FLASK_QUEUE_URL"):
        create_app({**app_config, "QUEUE_URL": "amqp://rabbit"})


# The real consumer, in a process of its own, as `make run` and production start it.


QUEUES = ["sqlite", *(["redis"] if os.environ.get("TEST_REDIS_URL") else [])]


@pytest.fixture(params=QUEUES)
def queue_settings(request, tmp_path: Path) -> dict:
    if request.param == "redis":
        queue = {"QUEUE_URL": os.environ["TEST_REDIS_URL"], "QUEUE_NAME": f"test-{uuid.uuid4()}"}
    else:
        queue = {"QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}", "QUEUE_NAME": "forum"}
    return {
        **queue,
        "PUBLIC_URL": PUBLIC_URL,
        "MAIL_RETRY_DELAY": 1,
    }


@pytest.fixture
def app_config(app_config: dict, request) -> dict:
    """The queue a test names (queue_settings), or the mail server it receives on (smtp)."""
    for name in ("queue_settings", "smtp"):
        if name in request.fixturenames:
            value = request.getfixturevalue(name)
            app_config = {**app_config, **(value if name == "queue_settings" else value.config)}
    return app_config


def worker_env(settings: dict, mail_port: int) -> dict:
    """The settings of a worker in a process of its own, on the test's database and queue."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        FLASK_SECRET_KEY=SECRET,
        FLASK_SQLALCHEMY_DATABASE_URI=settings["SQLALCHEMY_DATABASE_URI"],
        FLASK_SQLALCHEMY_ENGINE_OPTIONS=json.dumps(settings.get("SQLALCHEMY_ENGINE_OPTIONS", {})),
        FLASK_QUEUE_URL=settings["QUEUE_URL"],
        FLASK_QUEUE_NAME=settings["QUEUE_NAME"],
        FLASK_PUBLIC_URL=PUBLIC_URL,
        FLASK_MAIL_SERVER="127.0.0.1",
        FLASK_MAIL_PORT=str(mail_port),
        FLASK_MAIL_USE_TLS="false",
        FLASK_MAIL_RETRY_DELAY="1",
    )
    return env


@pytest.fixture
def start_worker(app_config: dict) -> Iterator:
    started = []

    def start(mail_port: int) -> subprocess.Popen:
        worker = subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "forum", "worker", "--workers", "1"],
            env=worker_env(app_config, mail_port),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
        worker.communicate(timeout=20)


def test_a_request_queues_the_mail_and_the_worker_sends_it(
    app: Flask, client, queue_settings, smtp, start_worker
):
    client.post("/auth/register", data=REGISTRATION)

    assert smtp.messages == []  # the request answered without talking to a mail server
    start_worker(smtp.port)
    (message,) = smtp.inbox.wait_for(1, timeout=30)
    assert message["To"] == "karen@example.dk"
    link = re.search(r"https://debat\.example\.dk/\S+", message.get_content()).group()
    client.post(link.removeprefix(PUBLIC_URL))  # WTF_CSRF_ENABLED is off in tests
    db.session.expire_all()
    assert db.session.get(User, 1).email_confirmed_at is not None


def test_mail_waits_while_the_mail_server_is_down_and_goes_out_when_it_is_back(
    app: Flask, client, queue_settings, start_worker
):
    server = MailServer()  # chosen, not started: its port refuses connections
    worker = start_worker(server.port)
    client.post("/auth/register", data=REGISTRATION)
    time.sleep(3)  # the worker tries, fails, and tries again a second later, then two…

    server.start()
    try:
        (message,) = server.inbox.wait_for(1, timeout=30)
        assert message["To"] == "karen@example.dk"
        time.sleep(2)
        assert len(server.messages) == 1  # sent once, the failed tries left no copy behind
    finally:
        server.stop()
    worker.send_signal(signal.SIGINT)
    output = worker.communicate(timeout=20)[0]
    assert "will be tried again" in output


def test_the_worker_will_not_start_without_the_sites_address_in_production(
    app_config, queue_settings
):
    env = worker_env(app_config, 25)
    del env["FLASK_PUBLIC_URL"]

    done = subprocess.run(  # nosec B603
        [sys.executable, "-m", "forum", "worker"], env=env, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "FLASK_PUBLIC_URL is not set" in done.stderr


def test_the_worker_will_not_start_with_no_queue_to_consume(app_config, queue_settings):
    env = {**worker_env(app_config, 25), "FLASK_QUEUE_URL": "immediate"}

    done = subprocess.run(  # nosec B603
        [sys.executable, "-m", "forum", "worker"], env=env, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "there is no queue" in done.stderr


def test_an_email_is_written_and_sent_without_a_request_as_the_worker_does(app, make_user):
    from forum import mail as forum_mail
    from forum.extensions import mail

    app.config["PUBLIC_URL"] = PUBLIC_URL
    user = make_user(locale="da")

    with mail.record_messages() as outbox:
        assert forum_mail.send_password_changed(user)

    (message,) = outbox
    assert message.recipients == [user.email]
    assert "adgangskode" in message.subject  # in the reader's language, with no request's
    assert f"{PUBLIC_URL}/auth/reset" in message.body


def test_a_long_unsubscribe_address_reaches_the_inbox_as_written(app, smtp):
    from forum import mail as forum_mail

    link = PUBLIC_URL + "/unsubscribe/" + "t" * 150
    letter = {
        "subject": "Svar på dit indlæg",
        "recipients": ["karen@example.dk"],
        "body": "Hej Karen",
        "extra_headers": {"List-Unsubscribe": f"<{link}>"},
    }

    assert forum_mail.queue(letter, what="a test letter")

    (message,) = smtp.inbox.wait_for(1)
    # Not folded into RFC 2047 encoded words, which a mail program need not read as a URL.
    assert f"List-Unsubscribe: <{link}>".encode() in smtp.inbox.raw[0]
    assert message["Subject"] == "Svar på dit indlæg"
