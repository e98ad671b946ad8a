"""Thread jobs in the queue's schedule: a new thread's scores come out after their hours."""

from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select

from .. import changes, jobs
from ..extensions import db
from ..models import Article, Thread, utcnow

EVERY_MINUTES = 5


@jobs.periodic(crontab(minute=f"*/{EVERY_MINUTES}"))
def reveal_scores() -> None:
    """Every few minutes: the pages of the threads whose scores came out since are new."""
    reveal_due(utcnow())


def reveal_due(now: datetime) -> int:
    """Name as changed the articles with a thread whose scores came out in the last two runs'
    time (one late run misses nothing); how many."""
    hours = current_app.config["SCORES_HIDDEN_HOURS"]
    if hours <= 0:
        return 0
    until = now - timedelta(hours=hours)
    articles = db.session.scalars(
        select(Thread.article_id)
        .distinct()
        .join(Article, Article.id == Thread.article_id)
        .where(
            Thread.created_at > until - timedelta(minutes=2 * EVERY_MINUTES),
            Thread.created_at <= until,
            Article.hide_new_scores.is_(True),
        )
    ).all()
    for article_id in articles:
        changes.article(article_id)
    db.session.commit()
    return len(articles)
