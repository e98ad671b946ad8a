"""Whether a thread's scores show yet (permissions.scores_hidden), now, once a request."""

from flask import current_app, g

from . import permissions
from .models import Thread, utcnow


def scores_hidden(thread: Thread) -> bool:
    hidden = g.setdefault("scores_hidden", {})
    if thread.id not in hidden:
        hours = current_app.config["SCORES_HIDDEN_HOURS"]
        hidden[thread.id] = permissions.scores_hidden(thread, hours, utcnow())
    return hidden[thread.id]
