"""Threads and posts: proposing threads, contributing, replying, editing and deleting."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import exists, select, update

from .. import ranking
from ..errors import DiscussionClosed, InvalidInput, NotAllowed, PostDeleted, ThreadLocked
from ..extensions import db
from ..models import (
    Article,
    Channel,
    Effect,
    Post,
    PostRevision,
    Stance,
    Thread,
    ThreadOrigin,
    User,
    utcnow,
)
from ..permissions import can_delete_post
from ..rendering import render_markdown

MAX_BODY_LENGTH = 20_000

NEED_STANCE = _l("Choose whether you agree, disagree or give an example.")
NEED_CHANNEL = _l("Choose the channel the example used.")
NEED_EFFECT = _l("Say whether the example supports or challenges the article.")

ACTIVITY = ("agree_count", "disagree_count", "example_count", "reply_count")

STANCE_COUNTERS = {
    Stance.AGREE: "agree_count",
    Stance.DISAGREE: "disagree_count",
    Stance.EXAMPLE: "example_count",
}


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
    check_article_open(article)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_l("Write the question or topic of the thread."), field="title")
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
    db.session.commit()
    return thread


def add_contribution(thread: Thread, user: User, contribution: Contribution) -> Post:
    """Post an agreement, disagreement or example in an open thread."""
    check_thread_open(thread)
    post = Post(thread=thread, author=user, **_clean_contribution(contribution))
    db.session.add(post)
    db.session.flush()
    _count(thread, {STANCE_COUNTERS[post.stance]: 1}, touch=True)
    db.session.commit()
    return post


def add_reply(parent: Post, user: User, body: str) -> Post:
    """Answer a contribution; answering a reply answers the contribution it sits under."""
    if parent.parent is not None:
        parent = parent.parent
    if parent.is_deleted:
        raise PostDeleted()
    thread = parent.thread
    check_thread_open(thread)
    reply = Post(thread=thread, author=user, parent=parent, **_clean_body(body))
    db.session.add(reply)
    if user.id == thread.article.author_id:
        parent.answered_by_author = True
    db.session.execute(
        update(Post).where(Post.id == parent.id).values(reply_count=Post.reply_count + 1)
    )
    _count(thread, {"reply_count": 1}, touch=True)
    db.session.commit()
    return reply


def edit_post(post: Post, user: User, change: Contribution) -> Post:
    """Change a post, keeping what it said before as a revision."""
    if post.author_id != user.id:
        raise NotAllowed(_l("You can only edit your own posts."))
    if post.is_deleted:
        raise PostDeleted()
    check_thread_open(post.thread)
    fields = _clean_body(change.body) if post.is_reply else _clean_contribution(change)
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
    if not post.is_reply and fields["stance"] != post.stance:
        _count(
            post.thread, {STANCE_COUNTERS[post.stance]: -1, STANCE_COUNTERS[fields["stance"]]: 1}
        )
    for name, value in fields.items():
        setattr(post, name, value)
    post.edited_at = utcnow()
    db.session.commit()
    return post


def delete_post(post: Post, user: User) -> None:
    """Remove a post; a contribution with replies leaves a placeholder so they keep their place."""
    if not can_delete_post(user, post):
        raise NotAllowed(_l("You can only delete your own posts."))
    if post.is_reply:
        _delete_reply(post)
    elif _has_replies(post):
        _count(post.thread, {STANCE_COUNTERS[post.stance]: -1})
        post.deleted_at = utcnow()
        post.body, post.body_html = "", Markup()
        post.organisation = post.channel = post.source_url = post.effect = None
        post.revisions.clear()
    else:
        _count(post.thread, {STANCE_COUNTERS[post.stance]: -1})
        db.session.delete(post)
    db.session.commit()


def _has_replies(post: Post) -> bool:
    return bool(db.session.scalar(select(exists().where(Post.parent_id == post.id))))


def _delete_reply(reply: Post) -> None:
    parent = reply.parent
    thread = reply.thread
    db.session.delete(reply)
    db.session.flush()
    _count(thread, {"reply_count": -1})
    db.session.execute(
        update(Post).where(Post.id == parent.id).values(reply_count=Post.reply_count - 1)
    )
    db.session.refresh(parent)
    if parent.is_deleted and not _has_replies(parent):
        db.session.delete(parent)
        return
    parent.answered_by_author = db.session.scalar(
        select(
            exists().where(Post.parent_id == parent.id, Post.author_id == thread.article.author_id)
        )
    )


def _clean_body(body: str) -> dict:
    """The body and its rendered HTML, or an error on the body field."""
    body = body.strip()
    if not body:
        raise InvalidInput(_l("Write something first."), field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_BODY_LENGTH), field="body")
    return {"body": body, "body_html": render_markdown(body)}


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


def check_article_open(article: Article) -> None:
    if not article.is_published:
        raise NotAllowed(_l("This article is not published."))
    if not article.discussion_open:
        raise DiscussionClosed()


def check_thread_open(thread: Thread) -> None:
    check_article_open(thread.article)
    if thread.locked:
        raise ThreadLocked()


def _count(thread: Thread, deltas: dict[str, int], *, touch: bool = False) -> None:
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
            .returning(*(getattr(model, name) for name in ACTIVITY), model.last_activity_at)
        ).one()
        activity, last = sum(figures[:-1]), figures[-1] or now
        db.session.execute(
            update(model).where(model.id == key).values(hot=ranking.hot(activity, last))
        )
