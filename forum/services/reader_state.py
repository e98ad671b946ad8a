"""What one reader has done in a thread, read in one statement for the pages shared by readers."""

from dataclasses import dataclass

from sqlalchemy import bindparam, literal, select, union_all

from ..extensions import db
from ..models import Flag, FlagStatus, Post, PostStatus, User, Vote


@dataclass(frozen=True)
class ReaderState:
    votes: dict[int, int]  # post id -> the reader's vote, in this thread
    flagged: frozenset[int]  # posts anywhere with the reader's open flag (a handful at most)
    waiting: bool  # the reader has posts here that wait for, or were refused by, a moderator


def _statement():
    user, thread = bindparam("user_id"), bindparam("thread_id")
    votes = (
        select(literal("vote"), Vote.post_id, Vote.value)
        .join(Post, Post.id == Vote.post_id)
        .where(Vote.user_id == user, Post.thread_id == thread)
    )
    flags = select(literal("flag"), Flag.post_id, literal(0)).where(
        Flag.user_id == user, Flag.status == FlagStatus.OPEN
    )
    waiting = select(literal("waiting"), Post.id, literal(0)).where(
        Post.thread_id == thread, Post.author_id == user, Post.status != PostStatus.PUBLISHED
    )
    return union_all(votes, flags, waiting)


# Built once: it runs for every page a logged-in reader reads.
STATEMENT = _statement()


def in_thread(user: User, thread_id: int) -> ReaderState:
    # On the connection, past the ORM, for the same reason.
    params = {"user_id": user.id, "thread_id": thread_id}
    rows = db.session.connection().execute(STATEMENT, params).all()
    return ReaderState(
        votes={post_id: value for kind, post_id, value in rows if kind == "vote"},
        flagged=frozenset(post_id for kind, post_id, _ in rows if kind == "flag"),
        waiting=any(kind == "waiting" for kind, _, _ in rows),
    )
