"""The debate: a thread's contributions and replies, and writing, editing, deleting posts."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import limits, pagecache
from ..errors import ForumError, InvalidInput, NotAllowed
from ..extensions import db
from ..forms import Deferred, attach_error, kept_in, status_for
from ..loaders import load_post, load_thread
from ..models import Post, PostStatus, Stance, Thread, User
from ..pagination import page_number
from ..permissions import can_delete_post, can_edit_post
from ..redirects import local_next
from ..rendering import render_markdown
from ..scoring import scores_hidden
from ..services import deleting, following, listings, moderation, posts, reader_state, votes
from ..services.posts import Contribution
from ..templating import card_values, vote_values
from ..viewer import signed_in, viewer
from .forms import ContributionForm, ReplyForm

bp = Blueprint("threads", __name__)

STANCES = {stance.value for stance in Stance}
MAX_PER_PAGE = 200


def _reader_values(user: User, facts: dict) -> dict[str, str] | None:
    """A reader's own votes and posts on a thread page rendered for everyone.

    That page shows what a reader sees who wrote, voted on, flagged and followed none of its
    posts. A reader's own posts are rendered for them (with their edit and delete buttons,
    and their text if a moderator hid it), and their follow buttons; while the thread's
    scores are hidden, the scores of the posts they voted on. A reader with posts waiting for
    a moderator, or with a flag on the page, and the article's author while scores are
    hidden, are shown a page rendered for them alone (None).
    """
    authors: dict[int, int | None] = facts["authors"]
    scores: dict[int, int] | None = facts["scores"]
    if scores is not None and user.id == facts["article_author"]:
        return None  # the article's author sees every score, hidden or not
    mine = reader_state.in_thread(user, facts["thread_id"])
    if mine.waiting or not mine.flagged.isdisjoint(authors):
        return None
    me = user.id  # read once: an ORM attribute costs a call per post of the page
    values = _own_cards(user, [post_id for post_id, by in authors.items() if by == me])
    for post_id, value in mine.votes.items():
        if post_id in authors:
            values |= vote_values(post_id, value)
            if scores is not None:
                values[f"v{post_id}score"] = str(scores[post_id])
    button = get_template_attribute("notifications/follow.html", "follow_thread")
    state = following.thread_following(user, facts["thread_id"], facts["article_id"])
    values["follow"] = str(button(facts["thread_id"], state))
    return values


@bp.get("/threads/<int:thread_id>")
@pagecache.shared_page(_reader_values)
def show(thread_id: int):
    thread = load_thread(thread_id)
    args = request.args.to_dict()
    sort, stance, per_page = _listing()
    for name, value in (("sort", sort), ("stance", stance), ("per_page", str(per_page))):
        if args.get(name) and args[name] != value:
            args[name] = value
    if args != request.args.to_dict():
        # A sort or stance the forum does not know, or a page size out of range: the page
        # that makes sense, at its own address (one cached page, and a link that says so).
        return redirect(url_for("threads.show", thread_id=thread.id, **args))
    return _render_thread(thread)


def _listing() -> tuple[str, str | None, int]:
    """The sort, stance filter and page size the URL asks for, or what makes sense instead:
    the default sort, every stance, a page size from 1 to MAX_PER_PAGE."""
    sort = request.args.get("sort")
    stance = request.args.get("stance") or None
    per_page = request.args.get("per_page", current_app.config["POSTS_PER_PAGE"], type=int)
    return (
        sort if sort in listings.VIEWS else listings.DEFAULT_SORT,
        stance if stance in STANCES else None,
        min(max(per_page, 1), MAX_PER_PAGE),
    )


def _posted_url(post: Post) -> str:
    """Where a reader goes after posting: the page that shows the post, in the sort (and page
    size) they were reading in, which the form's address carries."""
    sort, _stance, per_page = _listing()
    page = listings.permalink_page(post, viewer(), per_page, sort)
    custom = per_page if per_page != current_app.config["POSTS_PER_PAGE"] else None
    shown_sort = sort if sort != listings.DEFAULT_SORT else None
    return _post_url(post, sort=shown_sort, page=page, per_page=custom)


def _render_thread(
    thread: Thread, form: ContributionForm | None = None, preview: Markup | None = None
):
    """The thread page in a fixed number of queries, whatever the number of posts."""
    sort, stance, per_page = _listing()
    reader = viewer()
    listing = listings.thread_page(
        thread, reader, sort=sort, stance=stance, page=page_number(), per_page=per_page
    )
    shown = [post.id for post in listing.posts]
    # While its scores are hidden, the scores a reader who voted on a post is shown.
    hidden = scores_hidden(thread)
    pagecache.record(
        thread_id=thread.id,
        article_id=thread.article_id,
        authors=listing.authors,
        scores={post.id: post.score for post in listing.posts} if hidden else None,
        article_author=thread.article.author_id,
    )
    return render_template(
        "threads/show.html",
        # The reader's own (none while the page is rendered for everyone: the fill's).
        following=following.thread_following(reader, thread.id, thread.article_id),
        thread=listing.thread,
        article=listing.article,
        page=listing.contributions,
        replies=listing.replies,
        my_votes=votes.votes_of(reader, shown),
        flagged=moderation.flagged_by(reader, shown),
        summary=listing.summary,
        shown=set(shown),
        sort=listing.sort,
        # For the addresses the forms post to: left out when it is the default.
        sort_arg=listing.sort if listing.sort != listings.DEFAULT_SORT else None,
        stance=listing.stance,
        per_page=per_page if per_page != current_app.config["POSTS_PER_PAGE"] else None,
        form=form or Deferred(ContributionForm),
        preview=preview,
    ), _status(listing.contributions, form)


def _status(contributions, form: ContributionForm | None) -> int:
    """A page past the last is no page (404, with links back); a form sent back has its own."""
    if contributions.page > max(contributions.pages, 1):
        return 404
    return 200 if form is None else status_for(form)


def _own_cards(user: User, post_ids: list[int]) -> dict[str, str]:
    """The reader's own posts as the thread page shows them to their author."""
    if not post_ids:
        return {}
    contribution = get_template_attribute("_macros/posts.html", "contribution")
    reply_card = get_template_attribute("_macros/posts.html", "reply_card")
    cards: dict[str, str] = {}
    for post in db.session.scalars(
        select(Post)
        .where(Post.id.in_(post_ids))
        .options(joinedload(Post.author), joinedload(Post.thread, innerjoin=True))
    ):
        card = reply_card if post.is_reply else contribution
        cards |= card_values(post.id, str(card(post, post.thread.article, user, 0, set())))
    return cards


@bp.post("/threads/<int:thread_id>/posts")
@kept_in(ContributionForm)
@login_required
@limits.posting
def contribute(thread_id: int):
    thread = load_thread(thread_id)
    form = ContributionForm()
    if _previewing(form):
        return _render_thread(thread, form=form, preview=_preview(form))
    if form.validate_on_submit():
        try:
            post = posts.add_contribution(thread, signed_in(), form.contribution())
        except posts.RepeatedPost as repeat:
            flash(str(repeat.message), "info")
            return redirect(url_for("threads.permalink", post_id=repeat.post_id))
        except (InvalidInput, NotAllowed) as error:
            attach_error(form, error)
        else:
            limits.accepted()
            flash(_posted_message(post, _("Your contribution is posted.")), "success")
            return redirect(_posted_url(post))
    return _render_thread(thread, form=form)


@bp.post("/posts/<int:post_id>/replies")
@kept_in(ReplyForm)
@login_required
@limits.posting
def reply(post_id: int):
    answered = load_post(post_id)
    form = ReplyForm()
    if _previewing(form):
        return _reply_page(answered, form, preview=_preview(form))
    if form.validate_on_submit():
        try:
            post = posts.add_reply(answered, signed_in(), form.body.data)
        except posts.RepeatedPost as repeat:
            flash(str(repeat.message), "info")
            return redirect(url_for("threads.permalink", post_id=repeat.post_id))
        except (InvalidInput, NotAllowed) as error:
            attach_error(form, error)
        else:
            limits.accepted()
            flash(_posted_message(post, _("Your reply is posted.")), "success")
            return redirect(local_next(_posted_url(post)))
    return _reply_page(answered, form)


@bp.get("/posts/<int:post_id>/reply")
@login_required
def compose_reply(post_id: int):
    """The reply form on a page of its own: where "Reply" leads without JavaScript."""
    post = load_post(post_id)
    try:
        posts.reply_target(post, signed_in())
    except ForumError as error:
        flash(str(error), "error")
        return redirect(url_for("threads.permalink", post_id=post.id))
    return _reply_page(post, ReplyForm())


def _reply_page(answered: Post, form: ReplyForm, preview: Markup | None = None):
    """The reply form under the post it answers (a contribution, or a reply)."""
    page = render_template(
        "threads/reply.html",
        answered=answered,
        thread=answered.thread,
        form=form,
        preview=preview,
    )
    return page, status_for(form)


def _preview(form: FlaskForm) -> Markup:
    # No longer than a post may be: a preview costs what posting would.
    return render_markdown((form.body.data or "")[: posts.MAX_BODY_LENGTH])


def _previewing(form: FlaskForm) -> bool:
    """The form's Preview button (for readers without JavaScript, who get no live preview):
    show the post as it would read, save nothing."""
    return form.is_submitted() and "preview" in request.form


@bp.get("/posts/<int:post_id>")
def permalink(post_id: int):
    """Send a reader to the thread page (oldest first) that shows this post."""
    post = load_post(post_id)
    sort = request.args.get("sort")
    sort = sort if sort in listings.VIEWS else "old"
    page = listings.permalink_page(post, viewer(), current_app.config["POSTS_PER_PAGE"], sort)
    return redirect(_post_url(post, sort=sort, page=page))


@bp.get("/posts/<int:post_id>/history")
def history(post_id: int):
    """Every version of the post, newest first: what "edited" opens (for a post whose text the
    reader may not see, the placeholder the thread shows)."""
    post = load_post(post_id)
    versions = listings.post_history(post, viewer())
    return render_template(
        "threads/history.html", post=post, thread=post.thread, versions=versions
    )


def _posted_message(post: Post, posted: str) -> str:
    if post.status == PostStatus.HELD:
        return _("Thank you. A moderator will look at your post before others can see it.")
    return posted


def _post_url(post: Post, **args) -> str:
    if args.get("page") == 1:
        del args["page"]
    return url_for("threads.show", thread_id=post.thread_id, _anchor=f"post-{post.id}", **args)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@limits.editing
def edit(post_id: int):
    post = load_post(post_id)
    if not can_edit_post(viewer(), post):
        abort(403)
    form = ReplyForm(obj=post) if post.is_reply else ContributionForm(obj=post)
    if form.validate_on_submit():
        change = form.contribution() if not post.is_reply else Contribution("", form.body.data)
        try:
            posts.edit_post(post, signed_in(), change)
        except (InvalidInput, NotAllowed) as error:
            attach_error(form, error)
        else:
            limits.accepted()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("threads/edit_post.html", form=form, post=post), status_for(form)


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    """Ask first, on a page of its own (it works without JavaScript); delete on the answer."""
    post = load_post(post_id)
    if request.method == "GET":
        if not can_delete_post(viewer(), post):
            abort(403)
        return render_template("threads/delete.html", post=post, thread=post.thread)
    deleting.delete_post(post, signed_in())
    flash(_("Your post is deleted."), "info")
    return redirect(url_for("threads.permalink", post_id=post.id))


@bp.post("/posts/<int:post_id>/undo-delete")
@login_required
@limits.editing
def undo_delete(post_id: int):
    """Put a post back that its author deleted a moment ago (the placeholder's Undo)."""
    post = load_post(post_id)
    try:
        deleting.undo_delete(post, signed_in())
    except NotAllowed as error:
        flash(str(error), "error")
    else:
        limits.accepted()
        flash(_("Your post is back."), "success")
    return redirect(url_for("threads.permalink", post_id=post.id))


@bp.post("/preview")
@login_required
def preview():
    """Render Markdown the way a saved post would look, for the live preview."""
    source = request.form.get("body", "")
    if len(source) > 100_000:
        abort(413)
    return {"html": str(render_markdown(source))}
