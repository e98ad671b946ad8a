"""A user's own data: everything about them as JSON, and deleting the account."""

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import aliased, selectinload

from .. import changes, ranking
from ..errors import InvalidInput
from ..extensions import db
from ..models import Article, Flag, Post, Role, Thread, User, Vote, utcnow
from ..passwords import verify_password
from ..permissions import text_visible_to
from . import following, newsletter, notification_mail, notifications, sessions
from .accounts import WRONG_PASSWORD
from .deleting import withdraw_post
from .votes import apply_vote_change

EXPORT_FORMAT = 1
# An address under .invalid (RFC 2606) can never receive mail or belong to anyone.
DELETED_EMAIL = "deleted-{id}@deleted.invalid"


class DeleteMode(enum.StrEnum):
    """What happens to the posts of a deleted account."""

    ANONYMISE = "anonymise"
    REMOVE = "remove"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(row, name)) for name in names}


PROFILE = (
    "username",
    "email",
    "email_confirmed_at",
    "pending_email",
    "display_name",
    "bio",
    "locale",
    "role",
    "created_at",
    "suspended_until",
    "banned",
    "sanction_reason",
)
POST = (
    "id",
    "thread_id",
    "parent_id",
    "reply_to_id",
    "stance",
    "body",
    "organisation",
    "channel",
    "source_url",
    "effect",
    "status",
    "hidden",
    "moderation_reason",
    "moderation_note",
    "up",
    "down",
    "score",
    "reply_count",
    "created_at",
    "edited_at",
    "deleted_at",
)
REVISION = (
    "body",
    "stance",
    "organisation",
    "channel",
    "source_url",
    "effect",
    "written_at",
    "replaced_at",
)


def export_user_data(user: User) -> dict[str, Any]:
    """The user's profile, threads, posts with revisions, votes and flags; others by name only."""
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "profile": _fields(user, PROFILE) | {"links": user.link_list},
        "articles": _articles(user),
        "threads": _threads(user),
        "posts": _posts(user),
        "votes": _votes(user),
        # How their votes lean, and the camp that makes them (nobody else is shown it).
        "lean": {
            "lean": user.lean,
            "votes_cast": user.votes_cast,
            "camp": ranking.camp(user.lean, user.votes_cast),
        },
        "flags": _flags(user),
        "following": _following(user),
        "notification_settings": {
            "follow_threads_posted_in": user.follow_threads_posted_in,
            "email": {
                kind.value: mode.value for kind, mode in notification_mail.choices(user).items()
            },
        },
        # The address's newsletter subscription, which belongs to the address, not the account.
        "newsletter": newsletter.subscription_export(user.email),
    }


def _articles(user: User) -> list[dict[str, Any]]:
    articles = db.session.scalars(
        select(Article).where(Article.author_id == user.id).order_by(Article.id)
    )
    names = ("id", "slug", "title", "status", "created_at", "published_at")
    return [_fields(article, names) for article in articles]


def _threads(user: User) -> list[dict[str, Any]]:
    threads = db.session.scalars(
        select(Thread).where(Thread.author_id == user.id).order_by(Thread.id)
    )
    return [
        _fields(thread, ("id", "title", "description", "origin", "created_at"))
        | {"article": thread.article.title}
        for thread in threads
    ]


def _posts(user: User) -> list[dict[str, Any]]:
    """The user's own posts in every state; of the posts they answer (the reply a reply
    answers, else its contribution), only the author's name and only where the thread page
    shows it to them (with the text)."""
    answered = aliased(Post)
    answered_author = aliased(User)
    answered_id = func.coalesce(Post.reply_to_id, Post.parent_id)
    rows = db.session.execute(
        select(Post, Thread.title, Article.title, answered_author.username)
        .join(Thread, Post.thread_id == Thread.id)
        .join(Article, Post.article_id == Article.id)
        .outerjoin(answered, and_(answered.id == answered_id, text_visible_to(user, answered)))
        .outerjoin(answered_author, answered.author_id == answered_author.id)
        .where(Post.author_id == user.id)
        .options(selectinload(Post.revisions))
        .order_by(Post.id)
    )
    return [
        _post(post)
        | {"thread": thread_title, "article": article_title, "in_reply_to": replying_to}
        for post, thread_title, article_title, replying_to in rows
    ]


def _post(post: Post) -> dict[str, Any]:
    # A deleted post's text is for nobody, its author included (deleting blanks it anyway).
    if post.is_deleted:
        return _fields(post, POST) | {"body": "", "organisation": None, "revisions": []}
    return _fields(post, POST) | {
        "revisions": [_fields(revision, REVISION) for revision in post.revisions]
    }


def _votes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Vote, Thread.title)
        .join(Post, Vote.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Vote.user_id == user.id)
        .order_by(Vote.id)
    )
    return [
        _fields(vote, ("post_id", "value", "camp", "created_at", "updated_at")) | {"thread": title}
        for vote, title in rows
    ]


def _flags(user: User) -> list[dict[str, Any]]:
    flags = db.session.scalars(select(Flag).where(Flag.user_id == user.id).order_by(Flag.id))
    names = ("post_id", "reason", "details", "status", "created_at", "closed_at")
    return [_fields(flag, names) for flag in flags]


def _following(user: User) -> dict[str, list[dict[str, Any]]]:
    """The articles and threads the user follows and the threads they muted, by title."""
    followed = following.followed_by(user)

    def thread(follow) -> dict[str, Any]:
        return _fields(follow, ("thread_id", "created_at")) | {
            "thread": follow.thread.title,
            "article": follow.thread.article.title,
        }

    return {
        "articles": [
            _fields(follow, ("article_id", "created_at")) | {"article": follow.article.title}
            for follow in followed.articles
        ],
        "threads": [thread(follow) for follow in followed.threads],
        "muted_threads": [thread(follow) for follow in followed.muted],
    }


def delete_account(user: User, password: str, mode: str) -> None:
    """Delete the account: votes taken back, posts anonymised or removed, the name kept unused."""
    try:
        mode = DeleteMode(mode)
    except ValueError:
        raise InvalidInput(_l("Choose what happens to your posts."), field="mode") from None
    if not verify_password(user.password_hash, password):
        raise InvalidInput(WRONG_PASSWORD, field="current_password")
    _take_back_votes(user)
    if mode == DeleteMode.REMOVE:
        _remove_posts(user)
    db.session.execute(update(Post).where(Post.author_id == user.id).values(author_id=None))
    db.session.execute(update(Thread).where(Thread.author_id == user.id).values(author_id=None))
    db.session.execute(update(Flag).where(Flag.user_id == user.id).values(user_id=None))
    notifications.forget_reader(user)
    notification_mail.forget_reader(user)
    _scrub(user)
    changes.everything()  # their name and posts were on pages under any article
    db.session.commit()


def _take_back_votes(user: User) -> None:
    """Remove the user's votes and move each post's counts and rankings with them."""
    taken = db.session.execute(
        delete(Vote).where(Vote.user_id == user.id).returning(Vote.post_id, Vote.value, Vote.camp)
    ).all()
    for post_id, value, camp in sorted(taken, key=lambda vote: vote.post_id):
        apply_vote_change(post_id, value, 0, camp)


def _remove_posts(user: User) -> None:
    """Replies first, so a contribution of theirs keeps a placeholder only for others' replies.
    Their posts deleted a moment ago go too: their undo would keep the text."""
    mine = Post.author_id == user.id
    replies = db.session.scalars(
        select(Post).where(mine, Post.parent_id.is_not(None)).order_by(Post.id)
    ).all()
    for reply in replies:
        withdraw_post(reply)
    db.session.flush()
    contributions = db.session.scalars(
        select(Post).where(mine, Post.parent_id.is_(None)).order_by(Post.id)
    ).all()
    for contribution in contributions:
        withdraw_post(contribution)
    db.session.flush()


def _scrub(user: User) -> None:
    """Keep the row only so the name stays taken; nothing personal and no way to log in."""
    user.email = DELETED_EMAIL.format(id=user.id)
    user.email_confirmed_at = None
    user.pending_email = None
    # No Argon2 hash is empty, so no password ever matches.
    user.password_hash = ""  # nosec B105
    sessions.end_all_in_transaction(user)
    user.display_name = user.bio = user.links = ""
    user.locale = None
    user.role = Role.READER
    user.deleted_at = utcnow()
