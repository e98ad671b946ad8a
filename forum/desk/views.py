"""The author's desk at /author."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..loaders import load_post
from ..permissions import can_write_articles
from ..redirects import local_next
from ..services import desk
from ..viewer import signed_in

bp = Blueprint("desk", __name__)


@bp.get("/author")
@login_required
def index():
    author = signed_in()
    if not can_write_articles(author):
        abort(403)
    articles = desk.articles_of(author)
    # ?article= one of the author's own; anything else shows them all.
    chosen = next((a for a in articles if a.slug == request.args.get("article")), None)
    return render_template(
        "desk/index.html",
        articles=articles,
        chosen=chosen,
        challenges=desk.open_challenges(author, chosen),
        open_count=desk.count_open_challenges(author, chosen),
    )


@bp.post("/author/challenges/<int:post_id>/pass")
@login_required
def pass_challenge(post_id: int):
    """Not worth answering: off the desk (the post stays as it is in its thread). The site's
    CSRF protection covers this form as every other."""
    post = load_post(post_id)
    desk.pass_challenge(post, signed_in())
    flash(_("Taken off your desk. The post stays in its thread."), "info")
    return redirect(local_next(url_for("desk.index")))
