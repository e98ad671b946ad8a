"""A new thread's scores come out after SCORES_HIDDEN_HOURS: its pages are then new."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import changes
from ..extensions import db
from ..models import Article, Thread

# How often the worker runs reveal_due (forum/threads/tasks.py).
EVERY_MINUTES = 5


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
