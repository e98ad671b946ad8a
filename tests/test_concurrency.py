"""Votes fired at once keep the counts equal to the votes stored, on SQLite and PostgreSQL."""

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from forum import create_app
from forum.extensions import db
from forum.models import Article, ArticleStatus, Post, Role, Stance, Thread, User, Vote, utcnow
from forum.rendering import render_markdown
from forum.services import votes

VOTERS = 20


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_app(request, tmp_path) -> Iterator[Flask]:
    """An app on a file database that many threads (each with its own session) can reach."""
    options: dict = {"pool_pre_ping": True}
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
        schema = None
    else:
        uri = os.environ.get("TEST_DATABASE_URL")
        if not uri:
            pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to test against")
        schema = f"test_{uuid.uuid4().hex[:12]}"
        run_sql(uri, f'CREATE SCHEMA "{schema}"')
        options |= {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_size": 25}
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "REQUIRE_CONFIRMED_EMAIL": False,
            "SQLALCHEMY_DATABASE_URI": uri,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()
    if schema:
        run_sql(uri, f'DROP SCHEMA "{schema}" CASCADE')


def run_sql(uri: str, statement: str) -> None:
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def setup_post(app: Flask, make_voters: int) -> tuple[int, list[int]]:
    with app.app_context():
        users = [
            User(username=f"voter{n}", email=f"voter{n}@example.org", password_hash="x")
            for n in range(make_voters + 1)
        ]
        users[0].role = Role.AUTHOR
        article = Article(
            slug="a",
            title="A",
            author=users[0],
            status=ArticleStatus.PUBLISHED,
            published_at=utcnow(),
            body_html=render_markdown(""),
        )
        thread = Thread(article=article, title="T")
        db.session.add_all([*users, article, thread])
        db.session.flush()
        post = Post(
            thread=thread,
            author=users[0],
            stance=Stance.AGREE,
            body="x",
            body_html=render_markdown("x"),
        )
        db.session.add(post)
        db.session.commit()
        return post.id, [user.id for user in users[1:]]


def fire(app: Flask, jobs: list[tuple[int, int, int]]) -> None:
    """Cast (post, user, value) votes from as many threads, released at the same moment."""
    start = threading.Barrier(len(jobs), timeout=30)

    def cast(job: tuple[int, int, int]) -> None:
        post_id, user_id, value = job
        start.wait()
        with app.app_context():
            post, user = db.session.get(Post, post_id), db.session.get(User, user_id)
            votes.cast_vote(post, user, value)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        for future in [pool.submit(cast, job) for job in jobs]:
            future.result()


def stored(app: Flask, post_id: int) -> tuple[tuple[int, int], tuple[int, int], int]:
    """(up, down) on the post, (up, down) counted from the votes table, and the vote count."""
    with app.app_context():
        post = db.session.get(Post, post_id)

        def count(value: int) -> int:
            return db.session.scalar(
                select(func.count()).where(Vote.post_id == post_id, Vote.value == value)
            )

        rows = db.session.scalar(select(func.count()).where(Vote.post_id == post_id))
        return (post.up, post.down), (count(1), count(-1)), rows


def test_twenty_users_voting_at_once(shared_app):
    post_id, voters = setup_post(shared_app, VOTERS)

    fire(shared_app, [(post_id, user, 1 if n % 3 else -1) for n, user in enumerate(voters)])

    counts, from_rows, rows = stored(shared_app, post_id)
    assert counts == from_rows == (13, 7)
    assert rows == VOTERS


def test_one_user_voting_twenty_times_at_once(shared_app):
    post_id, voters = setup_post(shared_app, 1)

    fire(shared_app, [(post_id, voters[0], 1 if n % 2 else -1) for n in range(VOTERS)])

    counts, from_rows, rows = stored(shared_app, post_id)
    assert rows == 1
    assert counts == from_rows
    assert sum(counts) == 1
