"""Voting: one vote per user per post, with the post's counts and rankings kept exact."""

from dataclasses import dataclass
from typing import NamedTuple, NoReturn

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Integer,
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

    A vote on a post every reader sees, in an open thread, is five prebuilt statements with no
    objects loaded: the post's lock (reading its counts, all and by camp), a read of all else
    the vote needs (whether the post takes votes, the voter's earlier vote and its camp, the
    voter's lean), the vote's row, the voter's lean (a commutative increment: their votes on
    other posts at the same moment all count) and the post's figures; building statements and
    loading objects cost more than running them. The vote is counted in its voter's camp as it
    was before the vote (ranking.camp), and taking it back or changing it moves the counts it
    was counted in. Anything
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
    old = found.previous
    if old == value:
        db.session.rollback()
        return Tally(up=counts.up, down=counts.down, score=counts.up - counts.down, my_vote=value)
    figures = Figures(*counts).without(old, found.previous_camp).adding(value, _voters_camp(found))
    lean = ranking.vote_lean(found.stance, value)
    try:
        if value == 0:
            db.session.execute(FORGET_VOTE, keys)
        elif old == 0:
            now = utcnow()
            row = {"post_id": post_id, "user_id": user.id, "value": value}
            row |= {"camp": _voters_camp(found), "lean": lean, "created_at": now}
            db.session.execute(NEW_VOTE, row | {"updated_at": now})
        else:
            change = {"value": value, "camp": _voters_camp(found), "lean": lean}
            db.session.execute(CHANGE_VOTE, keys | change | {"updated_at": utcnow()})
        db.session.execute(
            COUNT_VOTER,
            {
                "voter": user.id,
                "lean": lean - found.previous_lean,
                "cast": (value != 0) - (old != 0),
            },
        )
        store_figures(post_id, figures, found.stance)
        changes.article(found.article_id)
        db.session.commit()
    except IntegrityError:
        # Only if the database lacks the row lock we rely on; the constraint still holds.
        db.session.rollback()
        raise VoteConflict() from None
    return Tally(up=figures.up, down=figures.down, score=figures.score, my_vote=value)


def _voters_camp(found) -> str | None:
    """The voter's camp leaving this vote out (their lean and count before it)."""
    had = found.previous != 0
    return ranking.camp(found.lean - found.previous_lean, found.votes_cast - had)


class Figures(NamedTuple):
    """A post's vote counts: all of them, and those of each camp (a tuple: one is made on
    every vote, and a tuple is the cheapest to make)."""

    up: int
    down: int
    up_a: int = 0
    down_a: int = 0
    up_b: int = 0
    down_b: int = 0

    @property
    def score(self) -> int:
        return ranking.net_score(self.up, self.down)

    def adding(self, value: int, camp: str | None, sign: int = 1) -> "Figures":
        """The counts with a vote (1, -1, or 0 for none) of a voter of `camp` added."""
        if value == 0:
            return self
        counts = list(self)
        counts[0 if value == 1 else 1] += sign
        if camp is not None:
            counts[(2 if camp == ranking.CAMP_A else 4) + (value != 1)] += sign
        return Figures(*counts)

    def without(self, value: int, camp: str | None) -> "Figures":
        return self.adding(value, camp, -1)


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
    .returning(
        _posts.c.up, _posts.c.down, _posts.c.up_a, _posts.c.down_a, _posts.c.up_b, _posts.c.down_b
    )
)
_users = User.__table__
# The post, the voter's earlier vote on it (if any: an outer join) and the voter's lean.
STATE = (
    select(
        _posts.c.author_id,
        _posts.c.article_id,
        _posts.c.stance,
        _takes_votes().label("takes_votes"),
        func.coalesce(_votes.c.value, 0).label("previous"),
        _votes.c.camp.label("previous_camp"),
        func.coalesce(_votes.c.lean, 0).label("previous_lean"),
        _users.c.lean,
        _users.c.votes_cast,
    )
    .select_from(
        _posts.outerjoin(
            _votes, (_votes.c.post_id == _posts.c.id) & (_votes.c.user_id == bindparam("voter"))
        ).join(_users, _users.c.id == bindparam("voter"))
    )
    .where(_posts.c.id == bindparam("post"))
)
# The columns they write are named by the parameters they are run with.
NEW_VOTE = insert(_votes)
CHANGE_VOTE = update(_votes).where(_voters_vote)
FORGET_VOTE = delete(_votes).where(_voters_vote)
STORE_FIGURES = update(_posts).where(_posts.c.id == bindparam("post"))
# A commutative increment: two votes of one reader at once both count, in either order.
COUNT_VOTER = (
    update(_users)
    .where(_users.c.id == bindparam("voter"))
    .values(
        lean=_users.c.lean + bindparam("lean", type_=Integer),
        votes_cast=_users.c.votes_cast + bindparam("cast", type_=Integer),
    )
)


# The post row is written with plain UPDATEs: no object in the session is kept in step.
UNSYNCHRONISED = {"synchronize_session": False}


def apply_vote_change(post_id: int, old: int, new: int, camp: str | None = None) -> None:
    """Move a post's counts from an old vote (cast by a voter of `camp`) to a new one in SQL,
    then store its rankings."""
    changed = Figures(0, 0).without(old, camp).adding(new, camp)
    columns = ("up", "down", "up_a", "down_a", "up_b", "down_b")
    row = db.session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values({name: getattr(Post, name) + getattr(changed, name) for name in columns})
        .returning(*(getattr(Post, name) for name in columns), Post.stance),
        execution_options=UNSYNCHRONISED,
    ).one()
    store_rankings(post_id, Figures(*row[:-1]), row.stance)


def store_rankings(post_id: int, figures: Figures, stance: str | None) -> None:
    """Store the score and rankings that follow from a post's counts."""
    db.session.execute(
        update(Post).where(Post.id == post_id).values(**rankings(figures, stance)),
        execution_options=UNSYNCHRONISED,
    )


def store_figures(post_id: int, figures: Figures, stance: str | None) -> None:
    """Store a post's counts, with the score and rankings that follow from them."""
    values = {"post": post_id, **figures._asdict(), **rankings(figures, stance)}
    db.session.execute(STORE_FIGURES, values)


def rankings(figures: Figures, stance: str | None) -> dict[str, float]:
    """The score and rankings stored on a post with these counts."""
    config = current_app.config
    up, down = figures.up, figures.down
    return {
        "score": ranking.net_score(up, down),
        "best": ranking.wilson_lower_bound(up, down, config["WILSON_Z"]),
        "controversy": ranking.controversy(up, down),
        "grain": ranking.grain(
            up,
            down,
            figures.up_a,
            figures.down_a,
            figures.up_b,
            figures.down_b,
            stance,
            config["GRAIN_WEIGHT"],
            config["WILSON_Z"],
        ),
    }


def votes_of(user: User | None, post_ids: list[int]) -> dict[int, int]:
    """The user's votes on these posts, by post id."""
    if user is None or not post_ids:
        return {}
    rows = db.session.execute(
        select(Vote.post_id, Vote.value).where(Vote.user_id == user.id, Vote.post_id.in_(post_ids))
    )
    return {post_id: value for post_id, value in rows}
