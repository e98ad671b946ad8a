"""Public profiles and the language switch."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from ..pagination import page_number
from ..redirects import local_next
from ..services import listings
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
    listing = listings.profile_posts(user, page=page_number())
    posts = listing.posts
    # Past the last page there is no such page: say so, with links back (the template).
    status = 404 if posts.page > max(posts.pages, 1) else 200
    return render_template(
        "users/profile.html",
        user=listing.user,
        contributions=posts,
        articles=listing.articles,
    ), status


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
