"""Load the object a URL names, or answer 404 when it is missing or hidden from the viewer."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Article, Post, Thread
from .permissions import can_read_article, can_see_post
from .viewer import viewer


def load_article(slug: str) -> Article:
    article = db.first_or_404(select(Article).where(Article.slug == slug))
    if not can_read_article(viewer(), article):
        abort(404)
    return article


def load_thread(thread_id: int) -> Thread:
    thread = db.get_or_404(Thread, thread_id)
    if not can_read_article(viewer(), thread.article):
        abort(404)
    return thread


def load_post(post_id: int) -> Post:
    # With its thread (and so its article), which every use of a post checks: one statement.
    # An inner join: an outer one around the article's own joins is one SQLite plans badly.
    post = db.get_or_404(Post, post_id, options=[joinedload(Post.thread, innerjoin=True)])
    if not can_read_article(viewer(), post.thread.article) or not can_see_post(viewer(), post):
        abort(404)
    return post
