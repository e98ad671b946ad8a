"""Faults the forum survives: a lost, restarted or locked database, races and broken writes."""

import logging
import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, literal, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from forum import create_app
from forum.extensions import db, mail
from forum.models import Post, Stance, Thread, User, Vote
from forum.services import accounts, posts, votes
from tests.conftest import PASSWORD, kept_fields, writes_locked

CONTRIBUTION = {
    "stance": "disagree",
    "body": "Careers pages are read by nobody; ask the people who already work there instead.",
}
FIGURES = ("agree_count", "disagree_count", "example_count", "reply_count", "hot")


def count_posts() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Post))


def figures(thread_id: int) -> tuple:
    """The stored figures of a thread and of its article, freshly read."""
    db.session.expire_all()
    thread = db.session.get(Thread, thread_id)
    return tuple(
        getattr(item, name)
        for item in (thread, thread.article)
        for name in (*FIGURES, "last_activity_at")
    )


def on_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


# --- The database unreachable --------------------------------------------------------------


@pytest.fixture
def unreachable_app(app_config: dict, tmp_path) -> Iterator[Flask]:
    """The forum set up for a database nobody can reach: a missing directory, a dead port."""
    uri = app_config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        uri = f"sqlite:///{tmp_path / 'no-such-directory' / 'forum.sqlite'}"
    else:
        url = make_url(uri).set(host="127.0.0.1", port=1)
        uri = url.update_query_dict({"connect_timeout": "1"}).render_as_string(False)
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": uri})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_healthz_answers_503_with_retry_after_when_the_database_is_unreachable(
    unreachable_app,
):
    response = unreachable_app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["status"] != "ok"
    assert int(response.headers["Retry-After"]) > 0


def test_a_contribution_to_an_unreachable_database_is_a_503_that_keeps_the_text(
    unreachable_app, reader, thread, caplog
):
    client = unreachable_app.test_client()
    # The reader logged in earlier, while the database was still there.
    with client.session_transaction() as session:
        session["_user_id"] = f"{reader.id}:a-login-session-key"
        session["_fresh"] = True

    response = client.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "Nothing was saved" in response.text
    assert kept_fields(response.text) == CONTRIBUTION
    logged = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert logged and all(record.exc_info for record in logged)
    assert count_posts() == 0


# --- PostgreSQL restarted while the app runs ----------------------------------------------


def drop_connections(admin, application_name: str) -> int:
    """What a server restart does to the app: every connection it holds dies on the server."""
    with admin.begin() as connection:
        killed = connection.execute(
            # The timeout waits until each backend is really gone (PostgreSQL 14+).
            text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": application_name},
        ).scalars()
        return sum(1 for ended in killed if ended)


def test_the_next_request_after_a_postgresql_restart_succeeds(app_config, reader, thread):
    if not app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("a server restart is a PostgreSQL fault: SQLite has no server to restart")
    name = f"forum-faults-{uuid.uuid4().hex[:8]}"
    search_path = app_config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    url = make_url(app_config["SQLALCHEMY_DATABASE_URI"]).update_query_dict(
        {"application_name": name, "options": search_path}
    )
    # The engine options an operator gets (config.Config), not the test suite's own.
    settings = {
        key: value for key, value in app_config.items() if key != "SQLALCHEMY_ENGINE_OPTIONS"
    }
    server = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url.render_as_string(False)})
    admin = create_engine(app_config["SQLALCHEMY_DATABASE_URI"])
    client = server.test_client()
    thread_id = thread.id
    try:
        login = client.post("/auth/login", data={"username": "reader", "password": PASSWORD})
        assert login.status_code == 302
        assert drop_connections(admin, name) >= 1

        reading = client.get(f"/threads/{thread_id}")

        assert reading.status_code == 200
        assert drop_connections(admin, name) >= 1

        writing = client.post(f"/threads/{thread_id}/posts", data=CONTRIBUTION)

        assert writing.status_code == 302, writing.text
        assert drop_connections(admin, name) >= 1
        assert client.get("/healthz").status_code == 200
    finally:
        with server.app_context():
            db.engine.dispose()
        admin.dispose()
    assert count_posts() == 1


# --- The database locked ------------------------------------------------------------------


def wait_briefly_for_locks() -> None:
    """Let the app's connections give up on a lock after 0.2 s (the app waits 5 s or more)."""
    sqlite = on_sqlite()

    def shorten(dbapi_connection, _record) -> None:
        # Runs after the app's own PRAGMAs (forum.extensions._sqlite_pragmas).
        cursor = dbapi_connection.cursor()
        if sqlite:
            cursor.execute("PRAGMA busy_timeout=200")
        else:
            cursor.execute("SET lock_timeout = '200ms'")
        cursor.close()
        if not sqlite:
            dbapi_connection.commit()

    db.session.commit()
    db.engine.dispose()
    event.listen(db.engine, "connect", shorten)


def test_a_contribution_while_the_database_is_locked_is_a_503_that_keeps_the_text(
    app, as_reader, thread
):
    thread_id = thread.id
    before = figures(thread_id)
    wait_briefly_for_locks()

    with writes_locked(app):
        reading = as_reader.get(f"/threads/{thread_id}")
        response = as_reader.post(f"/threads/{thread_id}/posts", data=CONTRIBUTION)

    assert reading.status_code == 200
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "Nothing was saved" in response.text
    assert kept_fields(response.text) == CONTRIBUTION
    assert count_posts() == 0
    assert figures(thread_id) == before


def test_a_contribution_and_its_counts_are_saved_together_or_not_at_all(
    as_reader, thread, monkeypatch
):
    thread_id = thread.id
    before = figures(thread_id)
    counted = []

    def count_then_lose_the_database(post: Post, sign: int, *, new: bool = False) -> None:
        # The post is flushed and the thread and article counted; then the database goes.
        real_count_post(post, sign, new=new)
        counted.append(post.id)
        raise OperationalError("UPDATE articles ...", {}, Exception("database is locked"))

    # posts imported count_post by name, so that is the reference to replace.
    real_count_post = posts.count_post
    monkeypatch.setattr(posts, "count_post", count_then_lose_the_database)

    response = as_reader.post(f"/threads/{thread_id}/posts", data=CONTRIBUTION)

    assert counted, "the contribution never reached its counts"
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert kept_fields(response.text) == CONTRIBUTION
    assert count_posts() == 0
    assert figures(thread_id) == before


# --- SQLite's settings on every connection -------------------------------------------------


def test_every_sqlite_connection_runs_with_wal_a_busy_timeout_and_foreign_keys(app, thread):
    if not on_sqlite():
        pytest.skip("PRAGMAs are SQLite's; PostgreSQL needs none of them")
    db.session.commit()
    db.engine.dispose()

    with db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            assert busy_timeout == app.config["SQLITE_BUSY_TIMEOUT"] == 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # Foreign keys are enforced, not just declared.
        with pytest.raises(IntegrityError):
            second.execute(
                Post.__table__.insert().values(
                    thread_id=thread.id + 1000, author_id=1, stance=Stance.AGREE, body="x"
                )
            )


# --- Writes that break a constraint -------------------------------------------------------

REGISTRATION = {
    "username": "Karen_H",
    "email": "karen@example.dk",
    "password": "a long enough password",
    "password_confirm": "a long enough password",
}


def test_a_registration_that_loses_a_race_for_the_name_is_a_422_on_the_field(
    client, make_user, monkeypatch
):
    make_user(username="karen_h")
    real_check = accounts._check_name_free
    checks = []

    def checked_before_the_other_insert(username: str) -> None:
        # The first check ran before the other request's account was stored: it passed.
        checks.append(username)
        if len(checks) > 1:
            real_check(username)

    monkeypatch.setattr(accounts, "_check_name_free", checked_before_the_other_insert)

    response = client.post("/auth/register", data=REGISTRATION)

    assert response.status_code == 422
    error = re.search(
        r'<small id="username-error" class="field-error">(.*?)</small>', response.text
    )
    assert error is not None and error.group(1) == "That username is taken."
    assert len(checks) == 2
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_registration_that_loses_a_race_for_the_address_tells_its_owner(
    app, client, make_user, monkeypatch
):
    owner = make_user(username="someone", email="KAREN@example.dk")
    real_owner_of = accounts._owner_of
    looks = []

    def looked_before_the_other_insert(email: str):
        # The first look ran before the other request's account was stored: no owner yet.
        looks.append(email)
        return None if len(looks) == 1 else real_owner_of(email)

    monkeypatch.setattr(accounts, "_owner_of", looked_before_the_other_insert)

    with mail.record_messages() as outbox:
        response = client.post("/auth/register", data=REGISTRATION)

    # The same answer as any registration: nothing says the address has an account.
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert [message.recipients for message in outbox] == [[owner.email]]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_vote_that_crosses_another_is_a_409_and_is_counted_once(
    as_reader, reader, make_post, monkeypatch
):
    post = make_post()
    post_id = post.id
    # The other request: the same reader's up-vote, stored and counted.
    votes.cast_vote(post.id, reader, 1)
    # This request read the reader's vote before the other one was stored: none.
    read = votes.STATE.selected_columns
    read_before_the_other_vote = votes.STATE.with_only_columns(
        read.author_id,
        read.article_id,
        read.stance,
        read.takes_votes,
        literal(0).label("previous"),
        literal(None).label("previous_camp"),
        literal(0).label("previous_lean"),
        read.lean,
        read.votes_cast,
    )
    monkeypatch.setattr(votes, "STATE", read_before_the_other_vote)

    response = as_reader.post(
        f"/posts/{post_id}/vote", data={"value": "-1"}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 409
    assert response.json == {
        "status": 409,
        "error": "Your vote crossed another one of yours. Please try again.",
    }
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert (post.up, post.down, post.score) == (1, 0, 1)
    assert db.session.scalars(select(Vote.value).where(Vote.post_id == post_id)).all() == [1]


# --- Logs ---------------------------------------------------------------------------------

REQUEST_LINE = re.compile(
    r"^(?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) \d+\.\dms id=(?P<id>\S+)"
    r" user=\S+ addr=\S+$"
)


@pytest.fixture
def request_log(caplog, monkeypatch) -> pytest.LogCaptureFixture:
    """The request lines, captured. An app built without TESTING (the browser tests' live
    server) switches propagation off for the whole process; pytest 9 captures such loggers
    itself, pytest 8 (which pyproject allows) only through propagation."""
    logger = logging.getLogger("forum.requests")
    monkeypatch.setattr(logger, "propagate", True)
    caplog.set_level(logging.INFO, logger="forum.requests")
    return caplog


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, str]]:
    lines = [r.getMessage() for r in caplog.records if r.name == "forum.requests"]
    matches = [REQUEST_LINE.match(line) for line in lines]
    assert all(matches), lines
    return [match.groupdict() for match in matches]


def test_each_request_is_one_log_line_under_the_proxys_request_id(client, request_log):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a"})

    assert response.headers["X-Request-ID"] == "proxy-7f3a"
    assert request_lines(request_log) == [
        {"method": "GET", "path": "/healthz", "status": "200", "id": "proxy-7f3a"}
    ]


def test_a_request_without_an_id_gets_its_own_in_the_answer_and_the_log(client, request_log):
    first = client.get("/healthz")
    second = client.post("/auth/login", data={"username": "nobody", "password": "x" * 12})

    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert ids[0] != ids[1]
    assert [(line["method"], line["path"], line["id"]) for line in request_lines(request_log)] == [
        ("GET", "/healthz", ids[0]),
        ("POST", "/auth/login", ids[1]),
    ]


def test_an_error_is_logged_with_its_traceback_and_its_request_line(app, client, request_log):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom", headers={"X-Request-ID": "boom-1"})

    assert response.status_code == 500
    assert request_lines(request_log) == [
        {"method": "GET", "path": "/boom", "status": "500", "id": "boom-1"}
    ]
    errors = [record for record in request_log.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None and errors[0].exc_info[0] is RuntimeError
    assert "Traceback (most recent call last)" in request_log.text
    assert "RuntimeError: secret detail" in request_log.text


def test_the_sqlite_lock_wait_is_a_setting(app_config):
    if "sqlite" not in app_config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("busy_timeout is SQLite's; PostgreSQL waits for locks by itself")
    other = create_app({**app_config, "SQLITE_BUSY_TIMEOUT": 1234})
    with other.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
    with other.app_context():
        db.engine.dispose()
