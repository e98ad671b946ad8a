"""Public profiles and the language switch."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Article, ArticleStatus, Post, Thread
from ..pagination import paginate
from ..permissions import text_visible_to
from ..redirects import local_next
from ..services.accounts import find_user_by_name

bp = Blueprint("users", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/users/<username>")
def profile(username: str):
    user = find_user_by_name(username)
    if user is None or user.deleted_at is not None:
        abort(404)
    if user.username != username:
        return redirect(url_for("users.profile", username=user.username), 301)
    contributions = paginate(
        select(Post)
        .join(Post.thread)
        .join(Thread.article)
        .where(
            Post.author_id == user.id,
            # Shared by every reader (and cached): what a visitor may read.
            text_visible_to(None),
            Article.status == ArticleStatus.PUBLISHED,
        )
        .options(selectinload(Post.thread))
        .order_by(Post.created_at.desc()),
        per_page=20,
    )
    articles = db.session.scalars(
        select(Article)
        .where(Article.author_id == user.id, Article.status == ArticleStatus.PUBLISHED)
        .order_by(Article.published_at.desc())
    ).all()
    return render_template(
        "users/profile.html", user=user, contributions=contributions, articles=articles
    )


@bp.get("/language/<code>")
def set_language(code: str):
    """Remember the chosen UI language in a cookie; it changes no data, so GET is right."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_next(url_for("articles.index")))
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"],
        code,
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
