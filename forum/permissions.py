"""Pure predicates over users and objects: who may do what. No Flask, no database."""

from .models import Article, Post, Role, Thread, User


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


def can_post_in(user: User | None, thread: Thread) -> bool:
    """Whether the debate in this thread takes new posts from this user at all."""
    return (
        user is not None
        and thread.article.is_published
        and thread.article.discussion_open
        and not thread.locked
    )


def can_propose_thread(user: User | None, article: Article) -> bool:
    return user is not None and article.is_published and article.discussion_open


def can_edit_post(user: User | None, post: Post) -> bool:
    return (
        user is not None
        and post.author_id == user.id
        and not post.is_deleted
        and can_post_in(user, post.thread)
    )


def can_delete_post(user: User | None, post: Post) -> bool:
    return user is not None and post.author_id == user.id and not post.is_deleted


def can_vote(user: User | None, post: Post) -> bool:
    return (
        user is not None
        and post.author_id != user.id
        and post.is_listed
        and can_post_in(user, post.thread)
    )


def can_see_text(user: User | None, post: Post) -> bool:
    """A hidden post's text is for its author and the moderators only."""
    if not post.hidden:
        return True
    return user is not None and (user.id == post.author_id or can_moderate(user))
