"""Threads and posts: proposing threads, contributing, replying and editing."""

import functools
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, ScalarSelect, and_, bindparam, func, insert, select

from .. import changes
from ..errors import ForumError, InvalidInput, NotAllowed, PostDeleted
from ..extensions import db
from ..models import (
    Article,
    Channel,
    Effect,
    NotificationKind,
    Post,
    PostRevision,
    PostStatus,
    Stance,
    Thread,
    ThreadOrigin,
    User,
    utcnow,
)
from ..rendering import mentioned, render_markdown
from . import commit_keeping
from .events import post_listed, post_unlisted
from .figures import count_post
from .locks import hold_article, hold_thread, queue_author
from .notifications import tell_author
from .rules import check_article_open, check_may_write, check_thread_open
from .screening import screen

MAX_BODY_LENGTH = 20_000

NEED_STANCE = _l("Choose whether you agree, disagree or give an example.")
NEED_CHANNEL = _l("Choose the channel the example used.")
NEED_EFFECT = _l("Say whether the example supports or challenges the article.")


class RepeatedPost(ForumError):
    """The author posted the same text in the same place within DUPLICATE_POST_WINDOW."""

    status_code = 409
    default_message = _l("You have already posted that. Here it is.")

    def __init__(self, post_id: int) -> None:
        super().__init__()
        self.post_id = post_id


@dataclass(frozen=True)
class Contribution:
    """What a reader typed into the contribution form; example fields only for examples."""

    stance: str
    body: str
    organisation: str = ""
    channel: str = ""
    source_url: str = ""
    effect: str = ""


def propose_thread(article: Article, user: User, title: str, description: str = "") -> Thread:
    """Open a reader's thread under a published article with an open discussion."""
    check_may_write(user)
    check_article_open(article)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_l("Write the question or topic of the thread."), field="title")
    hold_article(article)
    _refuse_on(check_article_open, article)
    now = utcnow()
    thread = Thread(
        article=article,
        author=user,
        title=title,
        description=description.strip(),
        origin=ThreadOrigin.READER,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(thread)
    changes.article(article.id)
    db.session.commit()
    return thread


def add_contribution(thread: Thread, user: User, contribution: Contribution) -> Post:
    """Post an agreement, disagreement or example in an open thread."""
    check_may_write(user)
    check_thread_open(thread)
    fields = _clean_contribution(contribution)
    _hold_for_new_post(thread, user, fields)
    status = screen(user, thread.article, _screened_text(fields), fields["body_html"])
    post = _insert_post(thread, user, None, status, fields)
    _announce_new(post)
    changes.article(thread.article_id)
    commit_keeping(post, user)
    return post


def _announce_new(post: Post) -> None:
    """A new post is counted and told of if readers can see it; held, its author is told
    that it waits (as the answer to their form says, so it is in their list as read)."""
    if post.is_listed:
        count_post(post, 1, new=True)
        post_listed(post)
    elif post.status == PostStatus.HELD:
        tell_author(post, NotificationKind.HELD, seen=True)


def _insert_post(
    thread: Thread, user: User, parent: Post | None, status: PostStatus, fields: dict
) -> Post:
    """The new post's row, inserted by one prebuilt statement that returns it as a loaded
    Post: the unit of work's flush of a new post, its thread and author cost twice as much."""
    values = {
        "thread_id": thread.id,
        "article_id": thread.article_id,
        "author_id": user.id,
        "parent_id": None if parent is None else parent.id,
        "status": status,
        **fields,
    }
    return db.session.scalars(_INSERT_POST, [values]).one()


_INSERT_POST = insert(Post).returning(Post)


def reply_target(post: Post, user: User) -> Post:
    """The contribution a reply to this post goes under (a reply's own contribution), if this
    user may answer the post now."""
    parent = post.contribution
    if not parent.is_listed or not post.is_listed:
        raise PostDeleted(_l("That post is not open for replies."))
    check_may_write(user)
    check_thread_open(parent.thread)
    return parent


def add_reply(post: Post, user: User, body: str) -> Post:
    """Answer a contribution, or a reply: an answer to a reply goes under the same
    contribution, and records which reply it answers."""
    parent = reply_target(post, user)
    thread = parent.thread
    fields = _clean_body(body)
    _hold_for_new_post(thread, user, fields, parent)
    status = screen(user, thread.article, fields["body"], fields["body_html"])
    fields["reply_to_id"] = post.id if post.is_reply else None
    reply = _insert_post(thread, user, parent, status, fields)
    if user.id == thread.article.author_id:
        parent.answered_by_author = True
    _announce_new(reply)
    changes.article(thread.article_id)
    commit_keeping(reply, user)
    return reply


def edit_post(post: Post, user: User, change: Contribution) -> Post:
    """Change a post, keeping what it said before as a revision."""
    if post.author_id != user.id:
        raise NotAllowed(_l("You can only edit your own posts."))
    if post.is_deleted:
        raise PostDeleted()
    check_may_write(user)
    check_thread_open(post.thread)
    fields = _clean_body(change.body) if post.is_reply else _clean_contribution(change)
    hold_thread(post.thread)
    _refuse_on(check_thread_open, post.thread)
    held = screen(
        user, post.thread.article, _screened_text(fields), fields["body_html"], is_new=False
    )
    post.revisions.append(
        PostRevision(
            body=post.body,
            stance=post.stance,
            organisation=post.organisation,
            channel=post.channel,
            source_url=post.source_url,
            effect=post.effect,
            written_at=post.edited_at or post.created_at,
        )
    )
    was_listed, was_held = post.is_listed, post.status == PostStatus.HELD
    if was_listed:
        count_post(post, -1)
    for name, value in fields.items():
        setattr(post, name, value)
    if held == PostStatus.HELD and post.status == PostStatus.PUBLISHED:
        post.status = PostStatus.HELD
    if post.hidden:
        # Edited after a moderator hid it: back to the queue, for them to approve or reject.
        post.hidden = False
        post.status = PostStatus.HELD
    if post.is_listed:
        count_post(post, 1)
        if not was_listed:
            post_listed(post)
    elif was_listed:
        post_unlisted(post)
    if post.status == PostStatus.HELD and not was_held:
        # The thread page they are sent back to says so under the post.
        tell_author(post, NotificationKind.HELD, seen=True)
    post.edited_at = utcnow()
    changes.article(post.article_id)
    db.session.commit()
    return post


def _hold_for_new_post(
    thread: Thread, user: User, fields: dict, parent: Post | None = None
) -> None:
    """Take the thread's lock (services/locks.py), then check it is still open and that this is
    no repeat of a post the user just wrote there: both hold until the new post commits."""
    window = current_app.config["DUPLICATE_POST_WINDOW"]
    repeat, params = None, None
    if window > 0:
        queue_author(user.id)
        repeat = _repeat_of(reply=parent is not None)
        params = {
            "repeat_since": utcnow() - timedelta(seconds=window),
            "repeat_author": user.id,
            "repeat_body": fields["body"],
            "repeat_place": parent.id if parent is not None else fields["stance"],
        }
    first = hold_thread(thread, repeat, params)
    if first is not None:
        db.session.rollback()
        raise RepeatedPost(first)
    _refuse_on(check_thread_open, thread)


@functools.cache
def _repeat_of(*, reply: bool) -> ScalarSelect:
    """SQL for the user's first post with this body in the same place within the window (the
    same stance among the contributions, or under the same contribution): what the same form
    sent again would make. Its parameters are repeat_since, _author, _body and _place."""
    posts = Post.__table__.c  # Core columns: see locks.hold_thread
    if reply:
        place = posts.parent_id == bindparam("repeat_place", type_=Integer)
    else:
        stance = bindparam("repeat_place", type_=posts.stance.type)
        place = and_(posts.parent_id.is_(None), posts.stance == stance)
    return (
        select(posts.id)
        .where(
            posts.thread_id == bindparam("held_thread"),
            place,
            posts.created_at >= bindparam("repeat_since", type_=posts.created_at.type),
            posts.author_id == bindparam("repeat_author"),
            posts.body == bindparam("repeat_body", type_=posts.body.type),
            posts.deleted_at.is_(None),
        )
        # In the order of the index on (thread, parent, created_at), which finds it in a few
        # rows; ordering by id had SQLite read all of the author's posts instead.
        .order_by(posts.created_at)
        .limit(1)
        .correlate(None)
        .scalar_subquery()
    )


def _refuse_on(check, target) -> None:
    """Run a rule's check under the lock just taken; a refusal lets the lock go at once."""
    try:
        check(target)
    except ForumError:
        db.session.rollback()
        raise


def _screened_text(fields: dict) -> str:
    return "\n".join(str(fields.get(name) or "") for name in ("body", "organisation"))


def _clean_body(body: str) -> dict:
    """The body and its rendered HTML, or an error on the body field."""
    body = body.strip()
    if not body:
        raise InvalidInput(_l("Write something first."), field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_BODY_LENGTH), field="body")
    return {"body": body, "body_html": render_markdown(body, mentions=_profiles(body))}


# A post names at most this many readers as links; more @names stay text.
MAX_MENTIONS = 20


def _profiles(body: str) -> dict[str, str]:
    """The profiles of the readers the body mentions by @name (lower-cased name: address)."""
    names = sorted(mentioned(body))[:MAX_MENTIONS]
    if not names:
        return {}
    found = db.session.scalars(select(User.username).where(func.lower(User.username).in_(names)))
    # The stored HTML holds the path (there may be no request: the demo, an import).
    urls = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return {name.lower(): urls.build("users.profile", {"username": name}) for name in found}


def _clean_contribution(contribution: Contribution) -> dict:
    """The post's fields from a contribution, checked; example fields only for examples."""
    stance = _choice(Stance, contribution.stance, "stance", NEED_STANCE)
    fields = {"stance": stance, **_clean_body(contribution.body)}
    if stance != Stance.EXAMPLE:
        return fields | {"organisation": None, "channel": None, "source_url": None, "effect": None}
    organisation = " ".join(contribution.organisation.split())
    if not organisation:
        raise InvalidInput(_l("Name the organisation behind the example."), field="organisation")
    channel = _choice(Channel, contribution.channel, "channel", NEED_CHANNEL)
    effect = _choice(Effect, contribution.effect, "effect", NEED_EFFECT)
    source_url = contribution.source_url.strip()
    if source_url and not _is_web_address(source_url):
        raise InvalidInput(
            _l("Give a full web address starting with http:// or https://."), field="source_url"
        )
    return fields | {
        "organisation": organisation,
        "channel": channel,
        "source_url": source_url or None,
        "effect": effect,
    }


def _choice(enum: type[StrEnum], value: str, field: str, message: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(message, field=field) from None


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url
