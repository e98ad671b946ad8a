"""Recount every stored figure from the rows: vote counts, rankings, debate counts, hotness."""

import functools
from datetime import datetime

from sqlalchemy import Integer, Update, bindparam, case, func, or_, select, update
from sqlalchemy.orm import aliased

from .. import changes, ranking
from ..extensions import db
from ..models import Article, Post, PostStatus, Stance, Thread, User, Vote
from .votes import UNSYNCHRONISED, Figures, store_rankings

ACTIVITY = ("agree_count", "disagree_count", "example_count", "reply_count")

STANCE_COLUMNS = {
    Stance.AGREE: "agree_count",
    Stance.DISAGREE: "disagree_count",
    Stance.EXAMPLE: "example_count",
}


# Where each kind of debate keeps its figures, and its key in the posts table.
DEBATES = {Thread: Post.thread_id, Article: Post.article_id}


def adjust(
    thread: Thread,
    column: str,
    delta: int,
    *,
    newest: datetime | None = None,
    leaving: int | None = None,
) -> None:
    """Add `delta` to one stored figure of a thread and of its article, safe under concurrency.

    The last activity is when the newest post readers can see was written: `newest` for a
    new post; otherwise it is looked up without the post `leaving` the list (deleted, hidden,
    held), so hidden spam does not keep a debate on top of "most active". Two prebuilt
    statements a debate (every new post runs them): the figures, then the hotness they give.
    """
    changes.article(thread.article_id)
    changes.lists()  # the front page shows each article's figures
    if newest is not None:
        activity, params = "new", {"newest": newest}
    elif leaving is not None:
        activity, params = "leaving", {"leaving": leaving}
    else:
        activity, params = "recount", {}
    for model, row_id in zip(DEBATES, (thread.id, thread.article_id), strict=True):
        figures = db.session.execute(
            _add_figure(model, column, activity),
            params | {"row": row_id, "delta": delta},
            execution_options=UNSYNCHRONISED,
        ).one()
        db.session.execute(
            _store_hot(model),
            {"row": row_id, "figure": _hot(sum(figures[:-1]), figures[-1])},
            execution_options=UNSYNCHRONISED,
        )


@functools.cache
def _add_figure(model, column: str, activity: str) -> Update:
    """adjust's first statement: parameters row and delta, and newest or leaving (activity
    "new" or "leaving"; "recount" has neither).

    On the table, not the mapped class: the session runs a Core UPDATE without the ORM's
    bulk-update machinery, which cost more than the statement itself.
    """
    table = model.__table__.c
    if activity == "new":
        newest = bindparam("newest", type_=table.last_activity_at.type)
        # Never back: a post written just before may commit just after.
        later = or_(table.last_activity_at.is_(None), table.last_activity_at < newest)
        last = case((later, newest), else_=table.last_activity_at)
    else:
        excluding = bindparam("leaving", type_=Integer) if activity == "leaving" else None
        last = latest_activity(model, DEBATES[model], excluding=excluding)
    return (
        update(model.__table__)
        .where(table.id == bindparam("row"))
        .values({column: table[column] + bindparam("delta"), "last_activity_at": last})
        .returning(*(table[name] for name in ACTIVITY), table.last_activity_at)
    )


@functools.cache
def _store_hot(model) -> Update:
    table = model.__table__
    return update(table).where(table.c.id == bindparam("row")).values(hot=bindparam("figure"))


def latest_activity(model, key, excluding=None):
    """SQL for when the newest post readers can see was written (NULL while there is none)."""
    conditions = [key == model.id, Post.listed()]
    if excluding is not None:
        conditions.append(Post.id != excluding)
    return select(func.max(Post.created_at)).where(*conditions).scalar_subquery()


def _hot(activity: int, last: datetime | None) -> float:
    """A debate's hotness; 0 for one without a post readers can see, as a new one has."""
    return ranking.hot(activity, last) if last is not None else 0.0


def count_post(post: Post, sign: int, *, new: bool = False) -> None:
    """Count a post that became listed (+1, `new` if just written) or stop counting one that
    is leaving the list (-1; called before or after the change that takes it out)."""
    column = "reply_count" if post.is_reply else STANCE_COLUMNS[post.stance]
    if new:
        adjust(post.thread, column, sign, newest=post.created_at)
    else:
        adjust(post.thread, column, sign, leaving=post.id if sign < 0 else None)
    if post.is_reply:
        db.session.execute(
            _COUNT_REPLY,
            {"row": post.parent_id, "delta": sign},
            execution_options=UNSYNCHRONISED,
        )


_COUNT_REPLY = (
    update(Post)
    .where(Post.id == bindparam("row"))
    .values(reply_count=Post.reply_count + bindparam("delta"))
)


def recount_all() -> None:
    """Make every stored figure agree with the rows (after an import, a z change or a repair)."""
    _recount_posts()
    recount_voters()
    for model, key in DEBATES.items():
        _recount_debates(model, key)
    changes.everything()
    db.session.commit()


def _votes(post_id, value: int, camp: str | None = None):
    conditions = [Vote.post_id == post_id, Vote.value == value]
    if camp is not None:
        conditions.append(Vote.camp == camp)
    return select(func.count()).where(*conditions).scalar_subquery()


def _recount_posts() -> None:
    reply = aliased(Post)
    db.session.execute(
        update(Post).values(
            up=_votes(Post.id, 1),
            down=_votes(Post.id, -1),
            up_a=_votes(Post.id, 1, ranking.CAMP_A),
            down_a=_votes(Post.id, -1, ranking.CAMP_A),
            up_b=_votes(Post.id, 1, ranking.CAMP_B),
            down_b=_votes(Post.id, -1, ranking.CAMP_B),
            reply_count=select(func.count())
            .where(
                reply.parent_id == Post.id,
                reply.status == PostStatus.PUBLISHED,
                reply.hidden.is_(False),
            )
            .scalar_subquery(),
        ),
        execution_options={"synchronize_session": False},
    )
    counts = (Post.up, Post.down, Post.up_a, Post.down_a, Post.up_b, Post.down_b)
    voted = db.session.execute(
        select(Post.id, Post.stance, *counts).where(Post.up + Post.down > 0)
    )
    for post_id, stance, *figures in voted.all():
        store_rankings(post_id, Figures(*figures), stance)
    db.session.execute(
        update(Post)
        .where(Post.up + Post.down == 0)
        .values(score=0, best=0.0, controversy=0.0, grain=0.0),
        execution_options={"synchronize_session": False},
    )


def recount_voters() -> None:
    """Each reader's lean and number of votes, from the votes they have cast."""
    mine = Vote.user_id == User.id
    db.session.execute(
        update(User).values(
            lean=select(func.coalesce(func.sum(Vote.lean), 0)).where(mine).scalar_subquery(),
            votes_cast=select(func.count()).where(mine).scalar_subquery(),
        ),
        execution_options={"synchronize_session": False},
    )


def _recount_debates(model, key) -> None:
    """Counts per stance of listed contributions, replies, last activity and hotness."""

    def count(*conditions):
        return select(func.count()).where(key == model.id, *conditions).scalar_subquery()

    listed = Post.listed()
    values = {
        column: count(Post.stance == stance, listed) for stance, column in STANCE_COLUMNS.items()
    }
    values["reply_count"] = count(Post.parent_id.is_not(None), listed)
    values["last_activity_at"] = latest_activity(model, key)
    db.session.execute(
        update(model).values(**values), execution_options={"synchronize_session": False}
    )
    rows = db.session.execute(
        select(
            model.id,
            model.agree_count + model.disagree_count + model.example_count + model.reply_count,
            model.last_activity_at,
        )
    )
    for row_id, activity, last in rows.all():
        db.session.execute(
            update(model).where(model.id == row_id).values(hot=_hot(activity, last)),
            execution_options=UNSYNCHRONISED,
        )
