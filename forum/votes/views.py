"""Voting on a post: a form POST that returns to the post, or JSON for the page's script."""

from dataclasses import asdict

from flask import Blueprint, redirect, url_for
from flask_login import login_required

from .. import limits
from ..errors import InvalidInput, wants_json
from ..redirects import local_next
from ..services import votes
from ..viewer import signed_in
from .forms import VOTE_MESSAGE, VoteForm

bp = Blueprint("votes", __name__)


@bp.post("/posts/<int:post_id>/vote")
@login_required
@limits.voting
def vote(post_id: int):
    # No post is loaded here: the service reads what the vote needs under the post's lock,
    # and answers 404 for a post that is not there for this reader.
    form = VoteForm()
    if not form.validate_on_submit():
        raise InvalidInput(VOTE_MESSAGE, field="value")
    tally = votes.cast_vote(post_id, signed_in(), form.value.data)
    if wants_json():
        return asdict(tally)
    back = local_next(url_for("threads.permalink", post_id=post_id))
    return redirect(f"{back.split('#')[0]}#post-{post_id}")
