"""Two gunicorn servers on one PostgreSQL and one Redis, driven at once; exits 1 on a mismatch.

Checks that a login made on one server is valid on the other, that 50 users voting on the
same posts through both servers leave counts equal to the votes stored, and that a posting
limit reached on one server holds on the other. Loopback only; everything it creates lives
in a schema of its own that is dropped at the end.

    TEST_DATABASE_URL=postgresql+psycopg://... TEST_REDIS_URL=redis://... \\
        python scripts/multi_server.py
"""

import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

from sqlalchemy import create_engine, text

VOTERS = 50
POSTS = 3
PASSWORD = "multi-server-password"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answer a redirect as it is, so a 302 after a form is told apart from the page after."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A user's cookies, usable against either server (as behind a load balancer)."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirects()
        )
        self.token = ""

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, base: str, username: str) -> int:
        _, page = self.request(f"{base}/auth/login")
        self.token = TOKEN.search(page).group(1)
        fields = {"username": username, "password": PASSWORD, "csrf_token": self.token}
        status, _ = self.request(f"{base}/auth/login", fields)
        # Logging in starts a new session, with a new CSRF token (in the logout form).
        _, page = self.request(f"{base}/")
        if found := TOKEN.search(page):
            self.token = found.group(1)
        return status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database: str, schema: str, redis: str) -> dict:
    options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
    return {
        **os.environ,
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "FLASK_SQLALCHEMY_DATABASE_URI": database,
        "FLASK_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(options),
        "FLASK_RATELIMIT_STORAGE_URI": redis,
        "FLASK_RATELIMIT_KEY_PREFIX": schema,
        "FLASK_REQUIRE_CONFIRMED_EMAIL": "false",
        "FLASK_RATELIMIT_POSTING": "3/minute",
        # Every user here comes from 127.0.0.1; a per-address login limit would stop them.
        "FLASK_RATELIMIT_LOGIN": "1000/minute",
        "FLASK_RATELIMIT_POSTING_NEW_ACCOUNT": "3/minute",
        "FLASK_ARGON2_TIME_COST": "1",
        "FLASK_ARGON2_MEMORY_COST": "8",
        "FLASK_ARGON2_PARALLELISM": "1",
    }


SETUP = """
from forum import create_app
from forum.extensions import db
from forum.models import Role
from forum.services import accounts, articles, posts
app = create_app()
with app.app_context():
    author = accounts.register(
        "columnist", "columnist@example.org", {password!r}, role=Role.AUTHOR
    )
    for n in range({voters}):
        accounts.register(f"voter{{n}}", f"voter{{n}}@example.org", {password!r})
    draft = articles.ArticleDraft("Multi", "", "Body", "Does it scale?", "en", "")
    article = articles.create_article(author, draft, publish=True)
    thread = article_thread = db.session.scalars(db.select(posts.Thread)).one()
    for n in range({posts}):
        posts.add_contribution(thread, author, posts.Contribution("agree", f"Post {{n}}"))
    print(thread.id)
"""


def setup(env: dict) -> int:
    """Migrate the schema and create an author, the voters, a thread and its posts."""
    subprocess.run(
        [sys.executable, "-m", "forum", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    script = SETUP.format(password=PASSWORD, voters=VOTERS, posts=POSTS)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def start_servers(env: dict) -> tuple[list[subprocess.Popen], list[str]]:
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                    "forum:create_app()",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{base} did not start")
    return servers, bases


def check_login_is_shared(bases: list[str]) -> bool:
    browser = Browser()
    browser.log_in(bases[0], "voter0")
    status, page = browser.request(f"{bases[1]}/author")
    _, front = browser.request(f"{bases[1]}/")
    # Server B knows the user (and that they are not an author) from server A's cookie.
    return "voter0" in front and status == 403


def check_votes_add_up(bases: list[str], thread_id: int, engine) -> bool:
    with engine.connect() as connection:
        post_ids = list(
            connection.execute(
                text("SELECT id FROM posts WHERE thread_id = :t ORDER BY id"), {"t": thread_id}
            ).scalars()
        )

    answers: Counter[int] = Counter()

    def vote(n: int) -> None:
        browser = Browser()
        answers[browser.log_in(bases[n % 2], f"voter{n}")] += 1
        for step in range(6):
            post_id = random.choice(post_ids)
            status, _ = browser.request(
                f"{bases[(n + step) % 2]}/posts/{post_id}/vote",
                {"value": random.choice(["1", "-1", "0", "1"])},
                {"X-CSRFToken": browser.token, "Accept": "application/json"},
            )
            answers[status] += 1

    with ThreadPoolExecutor(max_workers=VOTERS) as pool:
        list(pool.map(vote, range(VOTERS)))
    print(f"  answers to logins and votes: {dict(answers)}")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT p.id, p.up, p.down,"
                " (SELECT count(*) FROM votes v WHERE v.post_id = p.id AND v.value = 1),"
                " (SELECT count(*) FROM votes v WHERE v.post_id = p.id AND v.value = -1)"
                " FROM posts p WHERE p.thread_id = :t"
            ),
            {"t": thread_id},
        ).all()
    for post_id, up, down, stored_up, stored_down in rows:
        print(f"  post {post_id}: counts {up}/{down}, votes stored {stored_up}/{stored_down}")
    return all(row[1:3] == row[3:5] for row in rows) and any(row[1] or row[2] for row in rows)


def check_limit_is_shared(bases: list[str], thread_id: int) -> bool:
    browser = Browser()
    browser.log_in(bases[0], "voter1")
    statuses = []
    for n in range(4):
        status, _ = browser.request(
            f"{bases[n % 2]}/threads/{thread_id}/posts",
            {"stance": "agree", "body": f"Limit check {n}", "csrf_token": browser.token},
        )
        statuses.append(status)
    print(f"  posting answers: {statuses}")
    return statuses == [302, 302, 302, 429]


def main() -> int:
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not database or not redis:
        print("Set TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL (Redis).")
        return 2
    schema = f"multi_{secrets.token_hex(6)}"
    engine = create_engine(database, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    env = environment(database, schema, redis)
    servers: list[subprocess.Popen] = []
    try:
        thread_id = setup(env)
        servers, bases = start_servers(env)
        print(f"Two servers: {' and '.join(bases)}, schema {schema}")
        results = {
            "a login made on one server is valid on the other": check_login_is_shared(bases),
            f"{VOTERS} users voting through both servers: counts equal votes stored": (
                check_votes_add_up(bases, thread_id, engine)
            ),
            "a posting limit reached on one server holds on the other": check_limit_is_shared(
                bases, thread_id
            ),
        }
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
    for check, ok in results.items():
        print(f"{'ok  ' if ok else 'FAIL'} {check}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
