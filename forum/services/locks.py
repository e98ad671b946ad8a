"""Locks a write takes before it checks what a moderator or a repeat of itself may change.

A reply checked against a thread that a moderator locks a moment later must land before the
lock or be refused, and a form sent twice must find the first post. So a write reads the
thread's and article's state (and looks for its repeat) under a lock held until it commits:

- PostgreSQL: the write reads the thread and article rows FOR KEY SHARE; a moderator's change
  to them takes the row FOR UPDATE, the one row lock that waits for KEY SHARE (and for which
  KEY SHARE waits). KEY SHARE leaves writes free of each other and of the counters they update
  on the same rows. Repeats from one author queue on an advisory lock keyed on the author.
- SQLite: the write takes the database's write lock with its first statement, a no-op UPDATE
  that reads the state in its RETURNING clause; every other write waits for it.

With the lock taken first, nothing later in the transaction waits again: under a held SQLite
write lock a write gives up once, after FLASK_SQLITE_BUSY_TIMEOUT.
"""

import functools

from sqlalchemy import ScalarSelect, bindparam, func, null, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Article, Thread

# The first key of the advisory locks that queue one author's new posts (PostgreSQL).
POSTING_LOCK = 1_701_000_013

# The lock statements write nothing the session has loaded.
UNSYNCHRONISED = {"synchronize_session": False}


def on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def key_share(query):
    """FOR KEY SHARE on PostgreSQL (nothing on SQLite): see the module's docstring."""
    return query.with_for_update(read=True, key_share=True)


def _article_state(owner, article_id) -> tuple[ScalarSelect, ScalarSelect]:
    articles = Article.__table__.c

    def read(column) -> ScalarSelect:
        query = select(column).where(articles.id == article_id).correlate(owner)
        return key_share(query).scalar_subquery()

    return read(articles.discussion_open), read(articles.status)


def refresh_state(thread: Thread, locked: bool, discussion_open: bool, status) -> None:
    """Put the state read under the lock on the loaded objects, for rules.check_thread_open."""
    set_committed_value(thread, "locked", locked)
    set_committed_value(thread.article, "discussion_open", discussion_open)
    set_committed_value(thread.article, "status", status)


def hold_thread(thread: Thread, repeat: ScalarSelect | None = None, params: dict | None = None):
    """Take the thread's lock and read its and its article's state (onto `thread`), and the
    value of `repeat` (a scalar subquery built once, whose parameters are `params`, or None)
    under the same lock. Every new post, edit and reply runs it: built once per kind."""
    statement = _hold_statement(on_sqlite(), repeat)
    locked, discussion_open, status, repeated = db.session.execute(
        statement, (params or {}) | {"held_thread": thread.id}, execution_options=UNSYNCHRONISED
    ).one()
    refresh_state(thread, locked, discussion_open, status)
    return repeated


@functools.lru_cache(maxsize=16)
def _hold_statement(sqlite: bool, repeat: ScalarSelect | None):
    """On the tables, not the mapped classes: the session runs it as a Core statement, past
    the ORM's bulk-update machinery, which cost more than the statement itself."""
    extra = repeat if repeat is not None else null()
    thread_id = bindparam("held_thread")
    threads, articles = Thread.__table__, Article.__table__
    if sqlite:
        return (
            update(threads)
            .where(threads.c.id == thread_id)
            .values(locked=threads.c.locked)
            .returning(threads.c.locked, *_article_state(threads, threads.c.article_id), extra)
        )
    return key_share(
        select(threads.c.locked, articles.c.discussion_open, articles.c.status, extra)
        .join(articles, articles.c.id == threads.c.article_id)
        .where(threads.c.id == thread_id)
    )


def queue_author(author_id: int) -> None:
    """Make the author's concurrent new posts go one at a time (SQLite: the write lock does)."""
    if not on_sqlite():
        db.session.execute(select(func.pg_advisory_xact_lock(POSTING_LOCK, author_id)))


def hold_for_change(column: InstrumentedAttribute, row_id: int) -> None:
    """Before a moderator changes a thread or an article: wait for the writes that hold it
    (hold_thread) to commit, and make later ones wait for this change."""
    model = column.class_
    if on_sqlite():
        statement = update(model).where(model.id == row_id).values({column.key: column})
        db.session.execute(statement, execution_options=UNSYNCHRONISED)
    else:
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def hold_article(article: Article) -> None:
    """hold_thread for a write under an article itself (a new thread)."""
    if on_sqlite():
        statement = (
            update(Article)
            .where(Article.id == article.id)
            .values(discussion_open=Article.discussion_open)
            .returning(Article.discussion_open, Article.status)
        )
    else:
        statement = key_share(
            select(Article.discussion_open, Article.status).where(Article.id == article.id)
        )
    discussion_open, status = db.session.execute(statement, execution_options=UNSYNCHRONISED).one()
    set_committed_value(article, "discussion_open", discussion_open)
    set_committed_value(article, "status", status)
