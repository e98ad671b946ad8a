"""Whether a thread's scores show yet (permissions.scores_hidden), now, once a request."""

from flask import current_app, g

from . import permissions
from .models import Post, Thread, utcnow
from .viewer import viewer


def scores_hidden(thread: Thread) -> bool:
    hidden = g.setdefault("scores_hidden", {})
    if thread.id not in hidden:
        hours = current_app.config["SCORES_HIDDEN_HOURS"]
        hidden[thread.id] = permissions.scores_hidden(thread, hours, utcnow())
    return hidden[thread.id]


def score_shown(post: Post) -> bool:
    """Whether the page being rendered shows the post's score to its viewer, whatever their
    own votes (permissions.can_see_score with none): the same for every post of a thread, so
    worked out once a thread (a page of 200 posts asks 400 times)."""
    shown = g.setdefault("scores_shown", {})
    verdict = shown.get(post.thread_id)
    if verdict is None:
        hidden = scores_hidden(post.thread)
        verdict = shown[post.thread_id] = permissions.can_see_score(viewer(), post, 0, hidden)
    return verdict
