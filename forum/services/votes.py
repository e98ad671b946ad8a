"""Voting: one vote per user per post, with the post's counts and rankings kept exact."""

from dataclasses import dataclass
from typing import NoReturn

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from .. import changes, ranking
from ..errors import ForumError, InvalidInput, NotAllowed, NotFound, PostDeleted
from ..extensions import db
from ..models import Article, ArticleStatus, Post, PostStatus, Thread, User, Vote, utcnow
from ..permissions import can_read_article, can_see_post
from .locks import key_share
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


def cast_vote(post_id: int, user: User, value: int) -> Tally:
    """Vote a post up (1) or down (-1), or take the vote back (0).

    A vote on a post every reader sees, in an open thread, is four prebuilt statements with no
    objects loaded: the post's lock (reading its counts), a read of all else the vote needs
    (whether the post takes votes, the voter's earlier vote), the vote's row and the post's
    figures; building statements and loading objects cost more than running them. Anything
    else (a post that is gone, hidden or held, a closed thread, the voter's own post) goes
    through the checks on the loaded post, for the exact refusal.
    """
    if value not in VALUES:
        raise InvalidInput(_l("A vote is 1 (up), -1 (down) or 0 (take it back)."), field="value")
    check_may_write(user)
    keys = {"post": post_id, "voter": user.id}
    counts = db.session.execute(LOCK, keys).one_or_none()
    found = counts and db.session.execute(STATE, keys).one()
    if not found or not found.takes_votes or found.author_id == user.id:
        db.session.rollback()
        _refuse(post_id, user)
    (up, down), old = counts, found.previous
    if old == value:
        db.session.rollback()
        return Tally(up=up, down=down, score=up - down, my_vote=value)
    up += (value == 1) - (old == 1)
    down += (value == -1) - (old == -1)
    try:
        if value == 0:
            db.session.execute(FORGET_VOTE, keys)
        elif old == 0:
            now = utcnow()
            row = {"post_id": post_id, "user_id": user.id, "value": value}
            db.session.execute(NEW_VOTE, row | {"created_at": now, "updated_at": now})
        else:
            db.session.execute(CHANGE_VOTE, keys | {"value": value, "updated_at": utcnow()})
        store_figures(post_id, up, down)
        changes.article(found.article_id)
        db.session.commit()
    except IntegrityError:
        # Only if the database lacks the row lock we rely on; the constraint still holds.
        db.session.rollback()
        raise VoteConflict() from None
    return Tally(up=up, down=down, score=up - down, my_vote=value)


def _refuse(post_id: int, user: User) -> NoReturn:
    """Raise why the user may not vote on the post, found with the checks on the loaded post."""
    post = db.session.get(Post, post_id)
    if (
        post is None
        or not can_read_article(user, post.thread.article)
        or not can_see_post(user, post)
    ):
        raise NotFound()
    if post.author_id == user.id:
        raise SelfVote()
    if post.is_deleted:
        raise PostDeleted()
    if not post.is_listed:
        raise PostDeleted(_l("That post cannot take votes."))
    check_thread_open(post.thread)
    # It took votes a moment ago, or its thread or article changed between the two reads.
    raise VoteConflict()


_posts, _threads, _articles, _votes = (model.__table__ for model in (Post, Thread, Article, Vote))


def _key_share(query: Select) -> ScalarSelect:
    """The post's thread or article state, read so that a moderator's lock or close waits for
    the vote, and the vote for it (services/locks.py)."""
    return key_share(query.correlate(_posts)).scalar_subquery()


def _takes_votes() -> ColumnElement[bool]:
    """SQL for: listed, under a published contribution (or none), in an open thread of a
    published article with its discussion open: a post every reader sees and may vote on."""
    parent = _posts.alias("parent")
    parent_published = (
        select(parent.c.status == PostStatus.PUBLISHED)
        .where(parent.c.id == _posts.c.parent_id)
        .scalar_subquery()
    )
    thread_open = _key_share(
        select(_threads.c.locked.is_(False) & _threads.c.retired_at.is_(None)).where(
            _threads.c.id == _posts.c.thread_id
        )
    )
    article_open = _key_share(
        select(
            (_articles.c.status == ArticleStatus.PUBLISHED) & _articles.c.discussion_open
        ).where(_articles.c.id == _posts.c.article_id)
    )
    listed = (
        (_posts.c.status == PostStatus.PUBLISHED)
        & _posts.c.hidden.is_(False)
        & _posts.c.deleted_at.is_(None)
    )
    return and_(
        listed,
        or_(_posts.c.parent_id.is_(None), parent_published.is_(True)),
        thread_open.is_(True),
        article_open.is_(True),
    )


_voters_vote = (_votes.c.post_id == bindparam("post")) & (_votes.c.user_id == bindparam("voter"))

# Built once: they run on every vote, and building a statement costs more than running it.
# LOCK takes the post's row lock (PostgreSQL) or the write lock (SQLite), so concurrent votes
# on a post queue there and each reads the counts and the vote the one before left. STATE is
# a SELECT of its own: SQLite 3.40 answers `IS NULL` wrongly in an UPDATE's RETURNING clause.
LOCK = (
    update(_posts)
    .where(_posts.c.id == bindparam("post"))
    .values(up=_posts.c.up)
    .returning(_posts.c.up, _posts.c.down)
)
STATE = select(
    _posts.c.author_id,
    _posts.c.article_id,
    _takes_votes().label("takes_votes"),
    func.coalesce(select(_votes.c.value).where(_voters_vote).scalar_subquery(), 0).label(
        "previous"
    ),
).where(_posts.c.id == bindparam("post"))
# The columns they write are named by the parameters they are run with.
NEW_VOTE = insert(_votes)
CHANGE_VOTE = update(_votes).where(_voters_vote)
FORGET_VOTE = delete(_votes).where(_voters_vote)
STORE_FIGURES = update(_posts).where(_posts.c.id == bindparam("post"))


# The post row is written with plain UPDATEs: no object in the session is kept in step.
UNSYNCHRONISED = {"synchronize_session": False}


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
        STORE_FIGURES, {"post": post_id, "up": up, "down": down, **_rankings(up, down)}
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
