"""Thread jobs in the queue's schedule: a new thread's scores come out after their hours."""

from huey import crontab

from .. import jobs
from ..models import utcnow
from ..services.hidden_scores import EVERY_MINUTES, reveal_due


@jobs.periodic(crontab(minute=f"*/{EVERY_MINUTES}"))
def reveal_scores() -> None:
    """Every few minutes: the pages of the threads whose scores came out since are new."""
    reveal_due(utcnow())
