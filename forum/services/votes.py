"""Voting: one vote per user per post, with the post's counts and rankings kept exact."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import changes, ranking
from ..errors import ForumError, InvalidInput, NotAllowed, PostDeleted
from ..extensions import db
from ..models import Post, User, Vote, utcnow
from .locks import post_debate_state, refresh_state
from .rules import check_may_write, check_thread_open

VALUES = (-1, 0, 1)


class SelfVote(NotAllowed):
    default_message = _l("You cannot vote on your own post.")


class VoteConflict(ForumError):
    status_code = 409
    default_message = _l("Your vote crossed another one of yours. Please try again.")


@dataclass(frozen=True)
class Tally:
    """A post's vote figures after a vote, and the voter's own vote (0 for none)."""

    up: int
    down: int
    score: int
    my_vote: int


def cast_vote(post: Post, user: User, value: int) -> Tally:
    """Vote a post up (1) or down (-1), or take the vote back (0)."""
    if value not in VALUES:
        raise InvalidInput(_l("A vote is 1 (up), -1 (down) or 0 (take it back)."), field="value")
    if post.author_id == user.id:
        raise SelfVote()
    if post.is_deleted:
        raise PostDeleted()
    if not post.is_listed:
        raise PostDeleted(_l("That post cannot take votes."))
    check_may_write(user)
    check_thread_open(post.thread)
    post_id, user_id = post.id, user.id
    up, down, *state = _lock(post_id)
    refresh_state(post.thread, *state)
    try:
        check_thread_open(post.thread)
    except ForumError:
        db.session.rollback()
        raise
    previous = db.session.scalar(
        select(Vote).where(Vote.post_id == post_id, Vote.user_id == user_id)
    )
    old = previous.value if previous else 0
    if value == 0 and previous is not None:
        db.session.execute(delete(Vote).where(Vote.id == previous.id))
    elif value != 0 and previous is None:
        db.session.add(Vote(post_id=post_id, user_id=user_id, value=value))
    elif value != 0 and old != value:
        previous.value, previous.updated_at = value, utcnow()
    up += (value == 1) - (old == 1)
    down += (value == -1) - (old == -1)
    try:
        store_figures(post_id, up, down)
        changes.article(post.article_id)
        db.session.commit()
    except IntegrityError:
        # Only if the database lacks the row lock we rely on; the constraint still holds.
        db.session.rollback()
        raise VoteConflict() from None
    return Tally(up=up, down=down, score=up - down, my_vote=value)


# The post row is written with plain UPDATEs: no object in the session is kept in step.
UNSYNCHRONISED = {"synchronize_session": False}


def _lock(post_id: int) -> tuple:
    """Take the post's row lock (PostgreSQL) or the write lock (SQLite); its up and down
    counts, and its thread's and article's state, read under the lock (services/locks.py).

    Concurrent votes on one post queue here, so each reads the vote the previous one left,
    and the counts stay as read until the commit.
    """
    return db.session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(up=Post.up)
        .returning(Post.up, Post.down, *post_debate_state()),
        execution_options=UNSYNCHRONISED,
    ).one()


def apply_vote_change(post_id: int, old: int, new: int) -> tuple[int, int]:
    """Move a post's counts from an old vote to a new one in SQL, then store its rankings."""
    up_delta = (new == 1) - (old == 1)
    down_delta = (new == -1) - (old == -1)
    up, down = db.session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(up=Post.up + up_delta, down=Post.down + down_delta)
        .returning(Post.up, Post.down),
        execution_options=UNSYNCHRONISED,
    ).one()
    store_rankings(post_id, up, down)
    return up, down


def store_rankings(post_id: int, up: int, down: int) -> None:
    """Store the score and rankings that follow from a post's counts."""
    db.session.execute(
        update(Post).where(Post.id == post_id).values(**_rankings(up, down)),
        execution_options=UNSYNCHRONISED,
    )


def store_figures(post_id: int, up: int, down: int) -> None:
    """Store a post's counts, with the score and rankings that follow from them."""
    db.session.execute(
        update(Post).where(Post.id == post_id).values(up=up, down=down, **_rankings(up, down)),
        execution_options=UNSYNCHRONISED,
    )


def _rankings(up: int, down: int) -> dict[str, float]:
    return {
        "score": ranking.net_score(up, down),
        "best": ranking.wilson_lower_bound(up, down, current_app.config["WILSON_Z"]),
        "controversy": ranking.controversy(up, down),
    }


def votes_of(user: User | None, post_ids: list[int]) -> dict[int, int]:
    """The user's votes on these posts, by post id."""
    if user is None or not post_ids:
        return {}
    rows = db.session.execute(
        select(Vote.post_id, Vote.value).where(Vote.user_id == user.id, Vote.post_id.in_(post_ids))
    )
    return {post_id: value for post_id, value in rows}
