"""The worker's two big jobs, timed where they run (issue 16's targets): a new contribution's
fan-out to an article's 10,000 followers (< 10 s), and the weekly newsletter rendered and
handed to an SMTP server for 10,000 subscribers (< 60 s).

`make bench` runs it after the web scenarios (`python bench/queue_jobs.py [--followers N]
[--subscribers N]` alone); on SQLite in a temporary folder, and on PostgreSQL as well when
TEST_DATABASE_URL names a server (in a schema of its own, dropped after). The SMTP server is
bench/smtp_sink.py in a process of its own, which accepts and counts.
"""

import argparse
import json
import os
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from forum import create_app
from forum.extensions import db
from forum.models import (
    Article,
    ArticleStatus,
    Follow,
    Role,
    Subscriber,
    SubscriberStatus,
    Thread,
    User,
    utcnow,
)
from forum.newsletter import sending
from forum.rendering import render_markdown
from forum.services import newsletter_issues, notifications
from forum.services.posts import Contribution, add_contribution

ROOT = Path(__file__).resolve().parents[1]

FAN_OUT_TARGET = 10.0
DIGEST_TARGET = 60.0
LONG = "A point that takes a few lines to make, with a reason and an example. " * 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_for(database: dict, queue: Path, mail_port: int):
    return create_app(
        {
            "TESTING": True,  # cheap password hashes for the users made here
            "SECRET_KEY": "bench-" + "k" * 40,
            **database,
            "QUEUE_URL": f"sqlite:///{queue}",  # fan_out is timed by itself, not at commit
            "PUBLIC_URL": "https://debat.example.dk",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mail_port,
            "MAIL_USE_TLS": False,
            "MAIL_SUPPRESS_SEND": False,
            "CACHE_TYPE": "NullCache",
            "CACHE_NO_NULL_WARNING": True,
            "REQUIRE_CONFIRMED_EMAIL": False,
            "DUPLICATE_POST_WINDOW": 0,
        }
    )


def debates(author: User, articles: int = 8) -> Article:
    """A week's worth of debate under a few articles; the first one's thread."""
    first = None
    for number in range(articles):
        article = Article(
            author=author,
            title=f"Debate {number}: does employer branding work?",
            slug=f"debate-{number}",
            lede="What the numbers say. " * 10,
            body="Body.",
            body_html=render_markdown("Body."),
            status=ArticleStatus.PUBLISHED,
            published_at=utcnow(),
        )
        thread = Thread(article=article, title="Does it work?", author=author)
        db.session.add_all([article, thread])
        db.session.commit()
        for stance in ("agree", "disagree", "example"):
            facts = {"organisation": "Org", "channel": "blog", "effect": "supports"}
            add_contribution(
                thread,
                author,
                Contribution(stance, LONG, **(facts if stance == "example" else {})),
            )
        first = first or thread
    return first


def measure(database: dict, workdir: Path, followers: int, subscribers: int, port: int) -> dict:
    app = app_for(database, workdir / f"queue-{uuid.uuid4().hex}.sqlite", port)
    with app.app_context():
        db.create_all()
        author = User(username="author", email="a@example.dk", password_hash="x", role=Role.AUTHOR)
        db.session.add(author)
        thread = debates(author)
        now = utcnow()
        db.session.add_all(
            User(username=f"follower_{n}", email=f"follower{n}@example.dk", password_hash="x")
            for n in range(followers)
        )
        db.session.flush()
        ids = db.session.scalars(text("SELECT id FROM users WHERE username LIKE 'follower_%'"))
        db.session.execute(
            insert(Follow),
            [{"user_id": i, "article_id": thread.article_id, "created_at": now} for i in ids],
        )
        db.session.execute(
            insert(Subscriber),
            [
                {
                    "email": f"reader{n}@example.dk",
                    "locale": "da" if n % 2 else "en",
                    "status": SubscriberStatus.CONFIRMED,
                    "created_at": now,
                    "confirmed_at": now,
                }
                for n in range(subscribers)
            ],
        )
        db.session.commit()
        writer = User(username="writer", email="w@example.dk", password_hash="x")
        db.session.add(writer)
        db.session.commit()
        post = add_contribution(thread, writer, Contribution("disagree", LONG))

        started = time.perf_counter()
        notifications.fan_out.call_local(post.id)
        fan_out = time.perf_counter() - started
        told = db.session.scalar(text("SELECT count(*) FROM notifications"))

        issue = newsletter_issues.make_issue(utcnow())
        started = time.perf_counter()
        sent = sending.send_issue(issue)
        digest = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return {
        "fan_out": {
            "followers": followers,
            "notifications": told,
            "seconds": round(fan_out, 2),
            "target_seconds": FAN_OUT_TARGET,
            "pass": fan_out < FAN_OUT_TARGET and told == followers,
        },
        "digest": {
            "subscribers": subscribers,
            "sent": sent.sent,
            "seconds": round(digest, 1),
            "target_seconds": DIGEST_TARGET,
            "pass": digest < DIGEST_TARGET and sent.sent == subscribers,
        },
    }


def databases(workdir: Path):
    yield "sqlite", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'jobs.sqlite'}"}
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        schema = f"bench_jobs_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        try:
            yield (
                "postgresql",
                {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options},
            )
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def run(followers: int = 10_000, subscribers: int = 10_000) -> dict:
    """Both jobs on each database, with the SMTP sink beside; their figures, printed."""
    port = free_port()
    sink = subprocess.Popen(  # nosec B603
        [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sink.stdout.readline().strip() == "ready"
        results = {}
        with tempfile.TemporaryDirectory(prefix="forum-jobs-") as folder:
            for name, database in databases(Path(folder)):
                print(f"Worker jobs on {name}", flush=True)
                results[name] = measure(database, Path(folder), followers, subscribers, port)
                print_results(name, results[name])
        return results
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def print_results(name: str, figures: dict) -> None:
    fan_out, digest = figures["fan_out"], figures["digest"]
    print(
        f"  {name}: fan-out to {fan_out['followers']:,} followers "
        f"({fan_out['notifications']:,} notifications) {fan_out['seconds']:.2f} s "
        f"(< {FAN_OUT_TARGET:.0f} s) {'pass' if fan_out['pass'] else 'FAIL'}"
    )
    print(
        f"  {name}: newsletter to {digest['subscribers']:,} subscribers ({digest['sent']:,} "
        f"handed to SMTP) {digest['seconds']:.1f} s (< {DIGEST_TARGET:.0f} s) "
        f"{'pass' if digest['pass'] else 'FAIL'}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=10_000)
    options = parser.parse_args()
    print(json.dumps(run(options.followers, options.subscribers), indent=1))
