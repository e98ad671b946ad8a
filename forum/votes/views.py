"""Voting on a post: a form POST that returns to the post, or JSON for the page's script."""

from dataclasses import asdict

from flask import Blueprint, redirect, url_for
from flask_login import login_required

from .. import limits
from ..errors import InvalidInput, wants_json
from ..loaders import load_post
from ..redirects import local_next
from ..services import votes
from ..viewer import signed_in
from .forms import VOTE_MESSAGE, VoteForm

bp = Blueprint("votes", __name__)


@bp.post("/posts/<int:post_id>/vote")
@login_required
@limits.voting
def vote(post_id: int):
    post = load_post(post_id)
    form = VoteForm()
    if not form.validate_on_submit():
        raise InvalidInput(VOTE_MESSAGE, field="value")
    tally = votes.cast_vote(post, signed_in(), form.value.data)
    if wants_json():
        return asdict(tally)
    back = local_next(url_for("threads.permalink", post_id=post.id))
    return redirect(f"{back.split('#')[0]}#post-{post.id}")
