"""Recount every stored figure from the rows: vote counts, rankings, debate counts, hotness."""

from datetime import datetime

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import aliased

from .. import changes, ranking
from ..extensions import db
from ..models import Article, Post, PostStatus, Stance, Thread, Vote
from .votes import UNSYNCHRONISED, store_rankings

ACTIVITY = ("agree_count", "disagree_count", "example_count", "reply_count")

STANCE_COLUMNS = {
    Stance.AGREE: "agree_count",
    Stance.DISAGREE: "disagree_count",
    Stance.EXAMPLE: "example_count",
}


# Where each kind of debate keeps its figures, and its key in the posts table.
DEBATES = ((Thread, Post.thread_id), (Article, Post.article_id))


def adjust(
    thread: Thread,
    deltas: dict[str, int],
    *,
    newest: datetime | None = None,
    leaving: int | None = None,
) -> None:
    """Add to the stored figures of a thread and its article in SQL, safe under concurrency.

    The last activity is when the newest post readers can see was written: `newest` for a
    new post; otherwise it is looked up without the post `leaving` the list (deleted, hidden,
    held), so hidden spam does not keep a debate on top of "most active".
    """
    changes.article(thread.article_id)
    changes.lists()  # the front page shows each article's figures
    for (model, key), row_id in zip(DEBATES, (thread.id, thread.article_id), strict=True):
        values = {name: getattr(model, name) + delta for name, delta in deltas.items()}
        if newest is None:
            values["last_activity_at"] = latest_activity(model, key, excluding=leaving)
        else:
            # Never back: a post written just before may commit just after.
            later = or_(model.last_activity_at.is_(None), model.last_activity_at < newest)
            values["last_activity_at"] = case((later, newest), else_=model.last_activity_at)
        figures = db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values(**values)
            .returning(*(getattr(model, name) for name in ACTIVITY), model.last_activity_at),
            execution_options=UNSYNCHRONISED,
        ).one()
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values(hot=_hot(sum(figures[:-1]), figures[-1])),
            execution_options=UNSYNCHRONISED,
        )


def latest_activity(model, key, excluding: int | None = None):
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
        adjust(post.thread, {column: sign}, newest=post.created_at)
    else:
        adjust(post.thread, {column: sign}, leaving=post.id if sign < 0 else None)
    if post.is_reply:
        db.session.execute(
            update(Post)
            .where(Post.id == post.parent_id)
            .values(reply_count=Post.reply_count + sign),
            execution_options=UNSYNCHRONISED,
        )


def recount_all() -> None:
    """Make every stored figure agree with the rows (after an import, a z change or a repair)."""
    _recount_posts()
    for model, key in DEBATES:
        _recount_debates(model, key)
    changes.everything()
    db.session.commit()


def _votes(post_id, value: int):
    return (
        select(func.count()).where(Vote.post_id == post_id, Vote.value == value).scalar_subquery()
    )


def _recount_posts() -> None:
    reply = aliased(Post)
    db.session.execute(
        update(Post).values(
            up=_votes(Post.id, 1),
            down=_votes(Post.id, -1),
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
    voted = db.session.execute(select(Post.id, Post.up, Post.down).where(Post.up + Post.down > 0))
    for post_id, up, down in voted.all():
        store_rankings(post_id, up, down)
    db.session.execute(
        update(Post).where(Post.up + Post.down == 0).values(score=0, best=0.0, controversy=0.0),
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
