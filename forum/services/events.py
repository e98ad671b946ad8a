"""What happened to a post, said once by the services where it happens; what follows from it
runs after their transaction commits (forum/jobs.py), never inside it.

A post becomes visible to readers when it is written and let through, approved, or restored:
`post_listed`. It stops being visible when it is hidden, sent back to the moderators, or
deleted: `post_unlisted`. The page cache hears of both through `forum.changes`, as of every
other change; these are for the readers the post concerns.
"""

from .. import jobs
from ..models import Post
from . import notifications


def post_listed(post: Post) -> None:
    """Readers can now see the post: once the transaction commits, one job tells whom it
    answers and who follows where it was posted (however many they are)."""
    jobs.after_commit(notifications.fan_out, post.id)


def post_unlisted(post: Post) -> None:
    """Readers no longer see the post (hidden, held again, deleted): once the transaction
    commits, the unread counts of those told of it are counted again. Whom is read now,
    before a deleted post takes its notifications with it."""
    readers = notifications.readers_told_of(post)
    if readers:
        jobs.after_commit(notifications.recount, readers)
