"""Deleting a post: gone for everyone at once, taken back by its author for a while, purged.

A post its author deletes leaves the lists, the figures and the notifications at once, and
the thread shows where it was ("deleted by its author"). Its text stays in its row, shown to
nobody, for Post.UNDO_WINDOW, so that its author can undo the deletion from that placeholder.
After that the worker's sweep purges it: the row goes, or where others replied to it, the
placeholder keeps their place without its text. Deleting an account purges its posts at once
(withdraw_post).
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from huey import crontab
from markupsafe import Markup
from sqlalchemy import exists, select, update

from .. import changes, jobs
from ..errors import NotAllowed
from ..extensions import db
from ..models import Post, User, utcnow
from ..permissions import can_delete_post, can_undo_delete
from .events import post_listed, post_unlisted
from .figures import count_post

PURGE_BATCH = 500


def delete_post(post: Post, user: User) -> None:
    """Take the author's post down; they can undo it until post.undo_deadline."""
    if not can_delete_post(user, post):
        raise NotAllowed(_l("You can only delete your own posts."))
    _take_down(post)
    db.session.commit()


def undo_delete(post: Post, user: User) -> None:
    """Put a post its author deleted back where it was, with its votes and replies."""
    if not can_undo_delete(user, post):
        raise NotAllowed(_l("That post can no longer be restored."))
    post.deleted_at = None
    changes.article(post.article_id)
    if post.is_listed:
        count_post(post, 1)
        post_listed(post)
    if post.is_reply:
        _note_authors_answer(post.parent)
    db.session.commit()


def withdraw_post(post: Post) -> None:
    """Take a post down and purge it at once, for good (an account's deletion); the caller
    commits."""
    if not post.is_deleted:
        _take_down(post)
    _purge(post, due=utcnow() - Post.UNDO_WINDOW)


@jobs.periodic(crontab(minute="*"))
def purge_deleted() -> None:
    """Every minute: purge the posts whose undo has run out."""
    while purge_due(utcnow()) == PURGE_BATCH:
        pass


def purge_due(now: datetime) -> int:
    """Purge up to PURGE_BATCH posts deleted before their undo ran out at `now`, in one
    transaction; how many."""
    due = now - Post.UNDO_WINDOW
    posts = db.session.scalars(
        select(Post)
        .where(Post.deleted_at < due, Post.body != "")
        .order_by(Post.deleted_at)  # the index's order: never a scan of the posts
        .limit(PURGE_BATCH)
    ).all()
    # A contribution before its replies, whose purge may take it along.
    for post in sorted(posts, key=lambda post: post.id):
        _purge(post, due=due)
    db.session.commit()
    return len(posts)


def _take_down(post: Post) -> None:
    changes.article(post.article_id)
    post_unlisted(post)
    if post.is_listed:
        count_post(post, -1)
    post.deleted_at = utcnow()
    if post.is_reply:
        db.session.flush()
        _note_authors_answer(post.parent)


def _note_authors_answer(contribution: Post) -> None:
    """Whether the article's author answers the contribution, among the replies not deleted."""
    contribution.answered_by_author = bool(
        db.session.scalar(
            select(
                exists().where(
                    Post.parent_id == contribution.id,
                    Post.author_id == contribution.thread.article.author_id,
                    Post.deleted_at.is_(None),
                )
            )
        )
    )


def _purge(post: Post, *, due: datetime) -> None:
    """Remove a deleted post's text for good: its row, or where it has replies, all but the
    placeholder. A contribution deleted before `due` goes with its last reply."""
    changes.article(post.article_id)
    if post.is_reply:
        _purge_reply(post, due=due)
    elif _has_replies(post):
        post.body, post.body_html = "", Markup()
        post.organisation = post.channel = post.source_url = post.effect = None
        post.revisions.clear()
    else:
        db.session.delete(post)


def _has_replies(post: Post) -> bool:
    return bool(db.session.scalar(select(exists().where(Post.parent_id == post.id))))


def _purge_reply(reply: Post, *, due: datetime) -> None:
    parent = reply.parent
    # Its answers stay, under the contribution, answering no reply any more.
    db.session.execute(
        update(Post).where(Post.reply_to_id == reply.id).values(reply_to_id=None),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.delete(reply)
    db.session.flush()
    # A contribution deleted under it whose own undo has not run out is the sweep's, later.
    if parent.is_deleted and parent.deleted_at < due and not _has_replies(parent):
        db.session.delete(parent)
