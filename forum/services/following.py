"""Following articles and threads, muting threads, and the setting that posting follows.

A reader's follows are their own state on pages everyone shares: every change moves
`users.follow_version`, under which their filled-in follow buttons are kept
(pagecache/shared.py).
"""

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..errors import NotFound
from ..extensions import db
from ..models import Article, Follow, Thread, User

NOT_PUBLISHED = _l("Only a published article and its threads can be followed.")


class ThreadChoice(StrEnum):
    """What a reader may do with a thread, from its page."""

    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    MUTE = "mute"
    UNMUTE = "unmute"


@dataclass(frozen=True)
class ThreadFollowing:
    """Where a reader stands with a thread."""

    following: bool = False  # the thread itself
    muted: bool = False
    by_article: bool = False  # they follow its article


@dataclass(frozen=True)
class Followed:
    """What a reader follows, for their settings page and their data."""

    articles: list[Follow]
    threads: list[Follow]
    muted: list[Follow]


def follows_article(user: User | None, article_id: int) -> bool:
    """Whether the reader follows the article (no query for a visitor)."""
    if user is None:
        return False
    found = select(Follow.id).where(Follow.article_id == article_id, Follow.user_id == user.id)
    return db.session.scalar(found) is not None


def thread_following(user: User | None, thread_id: int, article_id: int) -> ThreadFollowing:
    """Where the reader stands with the thread, in one query (none for a visitor)."""
    if user is None:
        return ThreadFollowing()
    rows = db.session.execute(
        select(Follow.thread_id, Follow.muted).where(
            Follow.user_id == user.id,
            or_(Follow.thread_id == thread_id, Follow.article_id == article_id),
        )
    ).all()
    own = next((muted for followed, muted in rows if followed == thread_id), None)
    return ThreadFollowing(
        following=own is False,
        muted=own is True,
        by_article=any(followed is None for followed, _ in rows),
    )


def follow_article(user: User, article: Article, follow: bool) -> None:
    """Follow (or stop following) the article: new contributions in all of its threads."""
    _check_published(article)
    _replace(
        user, Follow.article_id == article.id, Follow(article_id=article.id) if follow else None
    )


def choose_for_thread(user: User, thread: Thread, choice: ThreadChoice) -> None:
    """Follow, unfollow, mute or unmute a thread. Muting stops everything from it (its new
    contributions, replies in it), also while its article is followed."""
    _check_published(thread.article)
    if choice in (ThreadChoice.FOLLOW, ThreadChoice.MUTE):
        wanted = Follow(thread_id=thread.id, muted=choice == ThreadChoice.MUTE)
    else:
        wanted = None
    _replace(user, Follow.thread_id == thread.id, wanted)


def _check_published(article: Article) -> None:
    if not article.is_published:
        raise NotFound(NOT_PUBLISHED)


def _replace(user: User, target, wanted: Follow | None) -> None:
    """The reader's row for the target goes, and `wanted` (if any) takes its place."""
    db.session.execute(
        delete(Follow).where(Follow.user_id == user.id, target),
        execution_options={"synchronize_session": False},
    )
    if wanted is not None:
        wanted.user_id = user.id
        db.session.add(wanted)
    user.follow_version = User.follow_version + 1
    try:
        db.session.commit()
    except IntegrityError:
        # The same button sent twice at once: the other request did it.
        db.session.rollback()


def set_follow_posted_in(user: User, follow: bool) -> None:
    """Whether posting in a thread follows it."""
    user.follow_threads_posted_in = follow
    db.session.commit()


def followed_by(user: User) -> Followed:
    """The articles and threads the reader follows, and the threads they muted, newest
    first."""
    follows = db.session.scalars(
        select(Follow)
        .where(Follow.user_id == user.id)
        .options(joinedload(Follow.article), joinedload(Follow.thread))
        .order_by(Follow.created_at.desc(), Follow.id.desc())
    ).all()
    return Followed(
        articles=[f for f in follows if f.article_id is not None],
        threads=[f for f in follows if f.thread_id is not None and not f.muted],
        muted=[f for f in follows if f.muted],
    )
