"""Pure predicates over users and objects: who may do what. No Flask, no queries.

Who sees a post is written twice, side by side: once in Python for one loaded post, once as
SQL conditions for queries that list posts. Change one, change the other. A contribution that
someone may not see is never a published one: a post's page number counts on it (listings.py).
"""

import functools
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, ColumnElement, Integer, and_, bindparam, exists, or_, true
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from .models import Article, Post, PostStatus, Role, Thread, User, utcnow

PostEntity = type[Post] | AliasedClass[Post]


def can_moderate(user: User | None) -> bool:
    return user is not None and user.role in (Role.MODERATOR, Role.ADMIN)


def can_manage_users(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def can_write_articles(user: User | None) -> bool:
    return user is not None and user.role in (Role.AUTHOR, Role.ADMIN)


def can_edit_article(user: User | None, article: Article) -> bool:
    if user is None:
        return False
    return user.role == Role.ADMIN or (user.id == article.author_id and can_write_articles(user))


def can_read_article(user: User | None, article: Article) -> bool:
    return article.is_published or can_edit_article(user, article)


def takes_posts(thread: Thread) -> bool:
    """Whether the thread takes new posts from readers at all (a page rendered for everyone
    shows the forms when it does; who may use them is the reader's own part)."""
    return (
        thread.article.is_published
        and thread.article.discussion_open
        and not thread.locked
        and thread.retired_at is None
    )


def can_post_in(user: User | None, thread: Thread) -> bool:
    """Whether the debate in this thread takes new posts from this user at all."""
    return user is not None and takes_posts(thread)


def takes_threads(article: Article) -> bool:
    return article.is_published and article.discussion_open


def can_propose_thread(user: User | None, article: Article) -> bool:
    return user is not None and takes_threads(article)


def can_edit_post(user: User | None, post: Post) -> bool:
    return (
        user is not None
        and post.author_id == user.id
        and not post.is_deleted
        and can_post_in(user, post.thread)
    )


def can_delete_post(user: User | None, post: Post) -> bool:
    return user is not None and post.author_id == user.id and not post.is_deleted


def can_undo_delete(user: User | None, post: Post) -> bool:
    """Whether the author can still take the post's deletion back (its text not yet purged)."""
    return (
        user is not None
        and post.author_id == user.id
        and post.is_deleted
        and post.body != ""
        and post.undo_deadline > utcnow()
        and can_post_in(user, post.thread)
    )


def scores_hidden(thread: Thread, hours: int, now: datetime) -> bool:
    """Whether the thread's scores are still hidden: for its first `hours`, if its article
    hides new scores (so that the first votes do not herd the rest)."""
    return (
        hours > 0
        and thread.article.hide_new_scores
        and now - thread.created_at < timedelta(hours=hours)
    )


def can_see_score(user: User | None, post: Post, my_vote: int, hidden: bool) -> bool:
    """Whether the user sees the post's score and counts: everyone once its thread's scores
    show; until then those who voted on it, the article's author and the moderators."""
    if not hidden or my_vote != 0 or can_moderate(user):
        return True
    return user is not None and user.id == post.thread.article.author_id


def takes_votes(post: Post) -> bool:
    """Whether readers other than its author may vote on the post."""
    return post.is_listed and takes_posts(post.thread)


def can_vote(user: User | None, post: Post) -> bool:
    return user is not None and post.author_id != user.id and takes_votes(post)


# Who sees a post, from here on: can_see_post and can_see_text for one loaded post, then their
# SQL twins post_visible_to and text_visible_to, which services/listings.py applies to every
# listing, count and page number.


def can_see_post(user: User | None, post: Post) -> bool:
    """Whether the post is there for this user at all (others get a 404): held and rejected
    posts, and the replies under them, are for their authors and the moderators only."""
    if can_moderate(user):
        return True
    parent = post.parent
    return _let_through(user, post) and (parent is None or _let_through(user, parent))


def can_see_text(user: User | None, post: Post) -> bool:
    """Whether the post's text is shown to this user, not a placeholder: nobody sees a deleted
    post's text, and a hidden post's is for its author and the moderators only."""
    if post.is_deleted or not can_see_post(user, post):
        return False
    return not post.hidden or _is_staff_for(user, post)


def _let_through(user: User | None, post: Post) -> bool:
    return post.status == PostStatus.PUBLISHED or (user is not None and user.id == post.author_id)


def _is_staff_for(user: User | None, post: Post) -> bool:
    return user is not None and (user.id == post.author_id or can_moderate(user))


def post_visible_to(user: User | None, post: PostEntity = Post) -> ColumnElement[bool]:
    """SQL for can_see_post, on `post` (the Post entity or an alias of it)."""
    if can_moderate(user):
        return true()
    if user is None and post is Post:
        return _visitors_see_post()
    return _post_visible_sql(None if user is None else user.id, post)


def prepared_visibility(user: User | None) -> tuple[str, dict[str, int]]:
    """post_visible_to(user) on Post for a statement built once and run many times: the kind
    of reader (a key for the built statement, and the argument of visibility_sql) and the
    parameters to run it with (a reader's id)."""
    if can_moderate(user):
        return "staff", {}
    if user is None:
        return "visitor", {}
    return "reader", {"reader_id": user.id}


def visibility_sql(kind: str) -> ColumnElement[bool]:
    """post_visible_to on Post for a kind of reader (prepared_visibility), built once; for a
    reader, their id is the `reader_id` parameter."""
    if kind == "staff":
        return true()
    return _visitors_see_post() if kind == "visitor" else _readers_see_post()


@functools.cache
def _visitors_see_post() -> ColumnElement[bool]:
    # Built once: a visitor's pages list posts with it on every miss, and building the
    # expression (with its alias of the posts table) costs more than running the query.
    return _post_visible_sql(None, Post)


@functools.cache
def _readers_see_post() -> ColumnElement[bool]:
    return _post_visible_sql(bindparam("reader_id", type_=Integer), Post)


def _post_visible_sql(reader: int | BindParameter | None, post: PostEntity):
    parent = aliased(Post)
    parent_through = exists().where(parent.id == post.parent_id, _let_through_sql(reader, parent))
    return and_(_let_through_sql(reader, post), or_(post.parent_id.is_(None), parent_through))


def text_visible_to(user: User | None, post: PostEntity = Post) -> ColumnElement[bool]:
    """SQL for can_see_text, on `post` (the Post entity or an alias of it)."""
    shown = and_(post_visible_to(user, post), post.deleted_at.is_(None))
    if can_moderate(user):
        return shown
    if user is None:
        return and_(shown, post.hidden.is_(False))
    return and_(shown, or_(post.hidden.is_(False), post.author_id == user.id))


def _let_through_sql(reader: int | BindParameter | None, post: PostEntity):
    """Published, or the reader's own (`reader`: their id, or a parameter for it)."""
    if reader is None:
        return post.status == PostStatus.PUBLISHED
    return or_(post.status == PostStatus.PUBLISHED, post.author_id == reader)
