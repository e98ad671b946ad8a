"""The moderators' audit log: every action is added in the transaction that performs it.

The entry names what the action changed, so it is also where a moderation action tells the
page cache which pages now show something else (forum/changes.py): the debate of the post's,
thread's or article's article. Sanctions show on no public page; a new role does (the
moderator's badge), and change_role says so itself.
"""

from .. import changes
from ..extensions import db
from ..models import Action, Article, AuditEntry, Post, Thread, User


def record(
    actor: User,
    action: Action,
    *,
    post: Post | None = None,
    thread: Thread | None = None,
    article: Article | None = None,
    target_user: User | None = None,
    reason: str = "",
) -> AuditEntry:
    """Add an entry naming the action and every object it touched (no commit)."""
    if post is not None:
        thread = thread or post.thread
        target_user = target_user or post.author
    if thread is not None:
        article = article or thread.article
    if article is not None:
        changes.article(article.id)
    entry = AuditEntry(
        actor=actor,
        action=action,
        post=post,
        thread=thread,
        article=article,
        target_user=target_user,
        reason=reason,
    )
    db.session.add(entry)
    return entry
