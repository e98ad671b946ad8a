"""The author's desk at /author."""

from flask import Blueprint, abort, render_template
from flask_login import login_required

from ..permissions import can_write_articles
from ..services import desk
from ..viewer import signed_in

bp = Blueprint("desk", __name__)


@bp.get("/author")
@login_required
def index():
    author = signed_in()
    if not can_write_articles(author):
        abort(403)
    return render_template(
        "desk/index.html",
        articles=desk.articles_of(author),
        challenges=desk.open_challenges(author),
    )
