"""Recount every stored figure from the rows: vote counts, rankings, debate counts, hotness."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from .. import ranking
from ..extensions import db
from ..models import Article, Post, PostStatus, Stance, Thread, Vote, utcnow
from .votes import UNSYNCHRONISED, store_rankings

ACTIVITY = ("agree_count", "disagree_count", "example_count", "reply_count")

STANCE_COLUMNS = {
    Stance.AGREE: "agree_count",
    Stance.DISAGREE: "disagree_count",
    Stance.EXAMPLE: "example_count",
}


def adjust(thread: Thread, deltas: dict[str, int], *, touch: bool = False) -> None:
    """Add to the stored figures of a thread and its article in SQL, safe under concurrency."""
    now = utcnow()
    for model, key in ((Thread, thread.id), (Article, thread.article_id)):
        values = {name: getattr(model, name) + delta for name, delta in deltas.items()}
        if touch:
            values["last_activity_at"] = now
        figures = db.session.execute(
            update(model)
            .where(model.id == key)
            .values(**values)
            .returning(*(getattr(model, name) for name in ACTIVITY), model.last_activity_at),
            execution_options=UNSYNCHRONISED,
        ).one()
        activity, last = sum(figures[:-1]), figures[-1] or now
        db.session.execute(
            update(model).where(model.id == key).values(hot=ranking.hot(activity, last)),
            execution_options=UNSYNCHRONISED,
        )


def count_post(post: Post, sign: int, *, touch: bool = False) -> None:
    """Count a post that became listed (+1) or stop counting one that left the list (-1)."""
    if post.is_reply:
        adjust(post.thread, {"reply_count": sign}, touch=touch)
        db.session.execute(
            update(Post)
            .where(Post.id == post.parent_id)
            .values(reply_count=Post.reply_count + sign),
            execution_options=UNSYNCHRONISED,
        )
    else:
        adjust(post.thread, {STANCE_COLUMNS[post.stance]: sign}, touch=touch)


def recount_all() -> None:
    """Make every stored figure agree with the rows (after an import, a z change or a repair)."""
    _recount_posts()
    _recount_debates(Thread, Post.thread_id, Thread.created_at)
    _recount_debates(Article, Post.article_id, Article.published_at)
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


def _recount_debates(model, key, started) -> None:
    """Counts per stance of listed contributions, replies, last activity and hotness."""

    def count(*conditions):
        return select(func.count()).where(key == model.id, *conditions).scalar_subquery()

    listed = Post.listed()
    values = {
        column: count(Post.stance == stance, listed) for stance, column in STANCE_COLUMNS.items()
    }
    values["reply_count"] = count(Post.parent_id.is_not(None), listed)
    latest = select(func.max(Post.created_at)).where(key == model.id).scalar_subquery()
    values["last_activity_at"] = func.coalesce(latest, started)
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
        if last is not None:
            db.session.execute(
                update(model).where(model.id == row_id).values(hot=ranking.hot(activity, last)),
                execution_options={"synchronize_session": False},
            )
