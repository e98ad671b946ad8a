"""Fixtures for every layer: the app on a fresh database, clients, and model factories."""

import itertools
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from argon2 import PasswordHasher
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, event, text
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from forum.models import (
    Article,
    ArticleStatus,
    Base,
    Post,
    Role,
    Stance,
    Thread,
    ThreadOrigin,
    User,
    utcnow,
)
from forum.rendering import render_markdown
from forum.sample.demo import seed_demo
from forum.services.deleting import purge_due
from forum.services.posts import Contribution, add_contribution, add_reply
from tests.mailserver import MailServer

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
# Hashed once for the whole run: hashing is deliberately slow, factories must not be.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


# No app a test makes queues jobs in the checkout's instance folder, for a worker that never
# comes (apps that are not TESTING would): each job runs where it is queued. The tests of the
# queue itself name theirs (tests/test_jobs.py).
os.environ.setdefault("FLASK_QUEUE_URL", "immediate")

# Every test runs on SQLite and, where TEST_DATABASE_URL is set, on PostgreSQL too.
DATABASES = ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


@pytest.fixture(scope="session")
def postgres_run_schema() -> Iterator[tuple[str, dict, Engine]]:
    """A schema of this test run's own on the test server, with the tables made once."""
    url = os.environ["TEST_DATABASE_URL"]
    schema = f"forum_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
    engine = create_engine(url, **options)
    Base.metadata.create_all(engine)
    yield url, options, engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def database(request, tmp_path) -> Iterator[dict]:
    """Settings for a fresh, empty database; PostgreSQL tables are emptied after each test."""
    if request.param == "sqlite":
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}"}
        return
    url, options, engine = request.getfixturevalue("postgres_run_schema")
    yield {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        # Not the checkout's instance folder, where each run's schema would leave a file.
        "PAGE_VERSIONS_FILE": str(tmp_path / "page-versions"),
    }
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app_config(database: dict) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Most tests post as fresh accounts; tests of the rule switch it on.
        "REQUIRE_CONFIRMED_EMAIL": False,
        # Most tests read scores in threads made a moment ago; test_hidden_scores.py hides them.
        "SCORES_HIDDEN_HOURS": 0,
        **CHEAP_ARGON2,
        **database,
    }


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    app = create_app(app_config)

    def fresh_globals() -> None:
        # Requests reuse the app context the test holds open; start each with an empty
        # `g`, as a real request would, so the login and locale of one don't leak into the next.
        g.__dict__.clear()

    # First of all the request hooks, so none of the app's own sees a stale `g`.
    app.before_request_funcs.setdefault(None, []).insert(0, fresh_globals)

    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    """A real SMTP server on loopback; merge `smtp.config` into the app's settings to send to it
    and read `smtp.messages` (or `smtp.inbox.wait_for(n)`) as the recipient would."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_numbers = itertools.count(1)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(username: str | None = None, role: Role = Role.READER, **fields) -> User:
        username = username or f"user{next(_numbers)}"
        user = User(
            username=username,
            email=fields.pop("email", f"{username.lower()}@example.org"),
            password_hash=PASSWORD_HASH,
            role=role,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_article(make_user) -> Callable[..., Article]:
    def make(author: User | None = None, **fields) -> Article:
        number = next(_numbers)
        fields.setdefault("title", f"Article {number}")
        fields.setdefault("slug", f"article-{number}")
        fields.setdefault("lede", "A lede.")
        fields.setdefault("body", "The *body*.")
        fields.setdefault("status", ArticleStatus.PUBLISHED)
        if fields["status"] == ArticleStatus.PUBLISHED:
            fields.setdefault("published_at", utcnow())
        article = Article(
            author=author or make_user(role=Role.AUTHOR),
            body_html=render_markdown(fields["body"]),
            **fields,
        )
        db.session.add(article)
        db.session.commit()
        return article

    return make


@pytest.fixture
def make_thread(make_article) -> Callable[..., Thread]:
    def make(article: Article | None = None, **fields) -> Thread:
        article = article or make_article()
        fields.setdefault("title", "Does it work?")
        fields.setdefault("origin", ThreadOrigin.QUESTION)
        fields.setdefault("author", article.author)
        thread = Thread(article=article, **fields)
        db.session.add(thread)
        db.session.commit()
        return thread

    return make


@pytest.fixture
def make_post(make_thread, make_user) -> Callable[..., Post]:
    """A post inserted directly (figures untouched); use the services to test the figures."""

    def make(
        thread: Thread | None = None,
        author: User | None = None,
        parent: Post | None = None,
        **fields,
    ) -> Post:
        thread = thread or (parent.thread if parent else make_thread())
        if parent is None:
            fields.setdefault("stance", Stance.AGREE)
        fields.setdefault("body", "A point.")
        post = Post(
            thread=thread,
            author=author or make_user(),
            parent=parent,
            body_html=render_markdown(fields["body"]),
            **fields,
        )
        db.session.add(post)
        db.session.commit()
        return post

    return make


@pytest.fixture
def reader(make_user) -> User:
    return make_user("reader")


@pytest.fixture
def writer(make_user) -> User:
    """Another reader: the one who wrote the posts a test acts on."""
    return make_user("writer")


@pytest.fixture
def post(thread, writer) -> Post:
    """A contribution by the writer, through the service (its figures counted)."""
    return add_contribution(thread, writer, Contribution("agree", "Hiring posts work."))


@pytest.fixture
def reply(post, make_user) -> Post:
    """A reply to that post by another reader, through the service."""
    return add_reply(post, make_user("replier"), "Only for senior roles.")


@pytest.fixture
def author(make_user) -> User:
    return make_user("author", role=Role.AUTHOR)


@pytest.fixture
def article(make_article, author) -> Article:
    return make_article(author=author, title="Employer branding", slug="employer-branding")


@pytest.fixture
def thread(make_thread, article) -> Thread:
    return make_thread(article=article, title="Does LinkedIn work for hiring?")


@pytest.fixture
def locked_thread(make_thread, article) -> Thread:
    return make_thread(article=article, title="A locked question", locked=True)


@pytest.fixture
def closed_article(make_article, author) -> Article:
    return make_article(author=author, title="Closed", slug="closed", discussion_open=False)


@pytest.fixture
def draft_article(make_article, author) -> Article:
    return make_article(author=author, title="Draft", slug="draft", status=ArticleStatus.DRAFT)


@pytest.fixture
def log_in(client: FlaskClient) -> Callable[..., None]:
    """Log a user in on the test client through the real login form."""

    def log_in(user: User, password: str = PASSWORD) -> None:
        response = client.post(
            "/auth/login", data={"username": user.username, "password": password}
        )
        assert response.status_code == 302, response.text

    return log_in


@pytest.fixture
def as_reader(client, reader, log_in) -> FlaskClient:
    log_in(reader)
    return client


@pytest.fixture
def as_author(client, author, log_in) -> FlaskClient:
    log_in(author)
    return client


@contextmanager
def writes_locked(app: Flask) -> Iterator[None]:
    """Another connection holds the write lock: SQLite's, or an EXCLUSIVE lock on the posts."""
    if db.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        return
    engine = create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("LOCK TABLE posts IN EXCLUSIVE MODE"))
            yield
            connection.rollback()
    finally:
        engine.dispose()


class _SentAgain(HTMLParser):
    """The fields of a page's forms as they would be sent: text, chosen options, checked boxes."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._area: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        name, value = found.get("name"), found.get("value") or ""
        if tag == "textarea":
            self._area = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and "selected" in found and value:
            self.fields[self._select] = value
        elif tag == "input" and name and found.get("type") not in ("hidden", "submit"):
            if found.get("type") in ("radio", "checkbox"):
                if "checked" in found:
                    self.fields[name] = value
            elif value:
                self.fields[name] = value

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self.fields[self._area] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            # HTML drops a newline right after <textarea>; so does the browser that sends it.
            text = self.fields[self._area]
            self.fields[self._area] = text.removeprefix("\r\n" if text[:2] == "\r\n" else "\n")
            if not self.fields[self._area]:
                del self.fields[self._area]
            self._area = None


def kept_fields(page: str) -> dict[str, str]:
    """What a page gives back in its forms to send again, by field name (not the hidden ones)."""
    parser = _SentAgain()
    parser.feed(page)
    return parser.fields


def purge_deleted() -> int:
    """What the worker's sweep does once the undo of every post deleted until now has run
    out; how many it purged."""
    return purge_due(utcnow() + Post.UNDO_WINDOW + timedelta(seconds=1))


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block, in order."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests skip, saying why, where Debian's Chromium is not installed."""
    if os.path.exists(CHROMIUM):
        return
    missing = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(missing)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Never a downloaded browser: Debian's Chromium, with its calls home switched off.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[str]:
    """The forum with its demo content, served from a thread on a free loopback port."""
    database = tmp_path_factory.mktemp("live") / "forum.sqlite"
    app = create_app(
        {
            # Not TESTING (a real server): the key must be as long as a production one.
            "SECRET_KEY": "browser-tests-" + "k" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_PARALLELISM": 1,
            "REQUIRE_CONFIRMED_EMAIL": False,
            # The journeys vote and read the scores in threads the demo made a moment ago.
            "SCORES_HIDDEN_HOURS": 0,
            # The journeys register and log in more readers from one address than a person would.
            "RATELIMIT_REGISTERING": "50/hour",
            "RATELIMIT_LOGIN": "50/minute",
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()
