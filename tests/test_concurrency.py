"""Writes fired at once, on SQLite and PostgreSQL: votes keep the counts equal to the votes
stored, a form sent many times posts once, and nothing lands after a thread is locked."""

import itertools
import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, select, text

from forum import create_app
from forum.errors import DiscussionClosed, ThreadLocked
from forum.extensions import db
from forum.models import (
    Action,
    Article,
    ArticleStatus,
    AuditEntry,
    Post,
    Role,
    Stance,
    Thread,
    User,
    Vote,
    utcnow,
)
from forum.rendering import render_markdown
from forum.services import moderation, posts, votes

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
            votes.cast_vote(post.id, user, value)

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


def test_one_readers_votes_on_many_posts_at_once_all_move_their_lean(shared_app):
    post_id, (voter,) = setup_post(shared_app, 1)
    with shared_app.app_context():
        first = db.session.get(Post, post_id)
        more = [
            Post(thread=first.thread, author=first.author, stance=Stance.AGREE, body=f"{n}")
            for n in range(VOTERS - 1)
        ]
        db.session.add_all(more)
        db.session.commit()
        ids = [post_id, *(post.id for post in more)]

    fire(shared_app, [(post, voter, 1) for post in ids])

    with shared_app.app_context():
        user = db.session.get(User, voter)
        assert (user.lean, user.votes_cast) == (VOTERS, VOTERS)  # every increment counted


# --- Writes racing each other and the moderators ------------------------------------------

SENDS = 10
REPLIES = 20


def run_at_once(count: int, job) -> list[BaseException | None]:
    """Run job(n) in as many threads, released together; what each raised (None: nothing)."""
    start = threading.Barrier(count, timeout=30)

    def run(n: int) -> BaseException | None:
        start.wait()
        try:
            job(n)
        except Exception as error:  # noqa: BLE001 - collected for the test to judge
            return error
        return None

    with ThreadPoolExecutor(max_workers=count) as pool:
        return [future.result() for future in [pool.submit(run, n) for n in range(count)]]


def count_rows(app: Flask, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Post).where(*conditions))


def test_ten_identical_contributions_at_once_make_one_post(shared_app):
    post_id, voters = setup_post(shared_app, 1)
    with shared_app.app_context():
        thread_id = db.session.get(Post, post_id).thread_id

    def send(_n: int) -> None:
        with shared_app.app_context():
            thread, user = db.session.get(Thread, thread_id), db.session.get(User, voters[0])
            posts.add_contribution(thread, user, posts.Contribution("agree", "Twice is once."))

    outcomes = run_at_once(SENDS, send)

    assert count_rows(shared_app, Post.author_id == voters[0]) == 1
    repeats = [error for error in outcomes if error is not None]
    assert len(repeats) == SENDS - 1
    assert all(isinstance(error, posts.RepeatedPost) for error in repeats), repeats
    with shared_app.app_context():
        first = db.session.scalar(select(Post.id).where(Post.author_id == voters[0]))
    assert {error.post_id for error in repeats} == {first}


def test_ten_identical_replies_at_once_make_one_reply(shared_app):
    post_id, voters = setup_post(shared_app, 1)

    def send(_n: int) -> None:
        with shared_app.app_context():
            parent, user = db.session.get(Post, post_id), db.session.get(User, voters[0])
            posts.add_reply(parent, user, "Said once.")

    outcomes = run_at_once(SENDS, send)

    assert count_rows(shared_app, Post.parent_id == post_id) == 1
    assert sum(isinstance(error, posts.RepeatedPost) for error in outcomes) == SENDS - 1


class Crossing:
    """Make a write cross the moderator's action: the first `waiting` writes to reach `name`
    in `module` wait there until the moderator has acted (at most `patience` seconds, in case
    the write holds a lock the moderator needs), and the moderator acts once they are all there.

    Without the lock, such a write checked the thread before the action and stores its post
    after it.
    """

    def __init__(self, monkeypatch, module, name: str, waiting: int, patience: float = 0.25):
        self.arrived, self.acted = threading.Event(), threading.Event()
        arrivals = itertools.count(1)
        real = getattr(module, name)

        def crossing(*args, **kwargs):
            result = real(*args, **kwargs)
            number = next(arrivals)
            if number <= waiting:
                if number == waiting:
                    self.arrived.set()
                self.acted.wait(timeout=patience)
            return result

        monkeypatch.setattr(module, name, crossing)

    def act(self, action) -> None:
        # Whether or not the writes got there (a lock may keep them out): act after 5 s.
        self.arrived.wait(timeout=5)
        try:
            action()
        finally:
            self.acted.set()


def moderated_post(app: Flask, writers: int) -> tuple[int, int, int, list[int]]:
    """A post, its thread, a moderator and `writers` other users."""
    post_id, users = setup_post(app, writers + 1)
    with app.app_context():
        db.session.get(User, users[0]).role = Role.MODERATOR
        thread_id = db.session.get(Post, post_id).thread_id
        db.session.commit()
    return post_id, thread_id, users[0], users[1:]


def moderate(app: Flask, thread_id: int, moderator_id: int, action: Action) -> None:
    with app.app_context():
        thread, moderator = db.session.get(Thread, thread_id), db.session.get(User, moderator_id)
        if action == Action.CLOSE:
            moderation.set_discussion_open(thread.article, moderator, False)
        else:
            moderation.set_thread_state(thread, moderator, action)


@pytest.mark.parametrize("action", [Action.LOCK, Action.CLOSE])
def test_no_reply_lands_after_the_thread_is_locked_or_the_discussion_closed(
    shared_app, monkeypatch, action
):
    post_id, thread_id, moderator_id, writers = moderated_post(shared_app, REPLIES)
    # Screening runs between a reply's checks and its insert.
    crossing = Crossing(monkeypatch, posts, "screen", waiting=REPLIES // 2)

    def job(n: int) -> None:
        if n == REPLIES:
            crossing.act(lambda: moderate(shared_app, thread_id, moderator_id, action))
            return
        with shared_app.app_context():
            parent, user = db.session.get(Post, post_id), db.session.get(User, writers[n])
            posts.add_reply(parent, user, f"Reply number {n}.")

    outcomes = run_at_once(REPLIES + 1, job)

    refused = ThreadLocked if action == Action.LOCK else DiscussionClosed
    assert outcomes[REPLIES] is None, outcomes[REPLIES]
    assert all(error is None or isinstance(error, refused) for error in outcomes), outcomes
    with shared_app.app_context():
        acted = db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))
        replies = db.session.scalars(select(Post).where(Post.parent_id == post_id)).all()
        late = [reply.id for reply in replies if reply.created_at >= acted.created_at]
        assert late == [], f"{len(late)} of {len(replies)} replies landed after the {action}"
        assert len(replies) == sum(error is None for error in outcomes[:REPLIES])


def test_no_vote_lands_after_the_thread_is_locked(shared_app, monkeypatch):
    post_id, thread_id, moderator_id, writers = moderated_post(shared_app, REPLIES)
    # The voter's own checks run before the vote takes its lock and reads the thread.
    crossing = Crossing(monkeypatch, votes, "check_may_write", waiting=REPLIES // 2)

    def job(n: int) -> None:
        if n == REPLIES:
            crossing.act(lambda: moderate(shared_app, thread_id, moderator_id, Action.LOCK))
            return
        with shared_app.app_context():
            post, user = db.session.get(Post, post_id), db.session.get(User, writers[n])
            votes.cast_vote(post.id, user, 1)

    outcomes = run_at_once(REPLIES + 1, job)

    assert all(error is None or isinstance(error, ThreadLocked) for error in outcomes), outcomes
    with shared_app.app_context():
        acted = db.session.scalar(select(AuditEntry).where(AuditEntry.action == Action.LOCK))
        cast = db.session.scalars(select(Vote).where(Vote.post_id == post_id)).all()
        late = [vote.id for vote in cast if vote.created_at >= acted.created_at]
        assert late == [], f"{len(late)} of {len(cast)} votes landed after the lock"
        assert db.session.get(Post, post_id).up == len(cast)


def test_writes_under_different_articles_do_not_wait_on_each_other(shared_app):
    """No row is written by every write (as the one page-cache version once was): a vote held
    open under one article does not keep a vote or a contribution under another waiting."""
    if shared_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite lets one transaction write at a time, whatever it writes")
    post_a, (voter, other_voter) = setup_post(shared_app, 2)
    with shared_app.app_context():
        author = db.session.get(Post, post_a).author
        article = Article(
            slug="b",
            title="B",
            author=author,
            status=ArticleStatus.PUBLISHED,
            published_at=utcnow(),
            body_html=render_markdown(""),
        )
        thread = Thread(article=article, title="Elsewhere")
        db.session.add_all([article, thread])
        db.session.flush()
        post = Post(
            thread=thread,
            author=author,
            stance=Stance.AGREE,
            body="y",
            body_html=render_markdown("y"),
        )
        db.session.add(post)
        db.session.commit()
        post_b, thread_b = post.id, thread.id
    holding, release = threading.Event(), threading.Event()

    def vote_held_open() -> None:
        me = threading.current_thread()

        def hold(_connection) -> None:  # all written, the COMMIT not yet sent
            if threading.current_thread() is me:
                holding.set()
                release.wait(30)

        with shared_app.app_context():
            event.listen(db.engine, "commit", hold)
            try:
                votes.cast_vote(post_a, db.session.get(User, voter), 1)
            finally:
                event.remove(db.engine, "commit", hold)

    first = threading.Thread(target=vote_held_open)
    first.start()
    try:
        assert holding.wait(30)
        with shared_app.app_context():
            db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
            votes.cast_vote(post_b, db.session.get(User, other_voter), 1)
            db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
            posts.add_contribution(
                db.session.get(Thread, thread_b),
                db.session.get(User, voter),
                posts.Contribution("agree", "Not waiting for the other article"),
            )
    finally:
        release.set()
        first.join(30)
    with shared_app.app_context():
        assert db.session.get(Post, post_a).up == 1 and db.session.get(Post, post_b).up == 1
