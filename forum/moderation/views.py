"""Flagging for readers, and the moderators' actions on posts, flags, threads and articles."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from .. import limits
from ..errors import InvalidInput, NotAllowed, wants_json
from ..extensions import db
from ..forms import attach_error, kept_in, status_for
from ..loaders import load_article, load_post, load_thread
from ..models import Action, Flag, Post
from ..permissions import can_moderate
from ..redirects import local_next
from ..services import moderation, queue
from ..viewer import signed_in, viewer
from .forms import ActionForm, FlagForm, ReasonForm, ScopedActionForm, check

bp = Blueprint("moderation", __name__)
F = TypeVar("F", bound=FlaskForm)


def moderator_required(view: Callable) -> Callable:
    """Visitors are sent to log in; logged-in users who do not moderate get 403."""

    @wraps(view)
    @login_required
    def checked(*args, **kwargs):
        if not can_moderate(viewer()):
            abort(403)
        return view(*args, **kwargs)

    return checked


def check_scope(form: FlaskForm, thread_id: int) -> None:
    """404 when the form names another thread than the object's: the page and URL disagree."""
    sent = form.thread_id.data
    if sent and sent != str(thread_id):
        abort(404)


def done(message: str, default: str, anchor: str | None = None):
    """Flash the confirmation and go back to `next`, or to the default."""
    flash(message, "success")
    back = local_next(default)
    return redirect(f"{back.split('#')[0]}#{anchor}" if anchor else back)


def _post_form(post_id: int, form_class: type[F]) -> tuple[Post, F]:
    post = load_post(post_id)
    form = form_class()
    check_scope(form, post.thread_id)
    check(form)
    return post, form


@bp.app_template_global()
def flag_reason(post: Post) -> str | None:
    """The flags' reason for the post's Hide form on a moderator's thread page; the thread's
    open flags are read once a request."""
    reasons = g.setdefault("open_flag_reasons", {})
    if post.thread_id not in reasons:
        reasons[post.thread_id] = queue.open_flag_reasons(post.thread_id)
    return reasons[post.thread_id].get(post.id)


def _back_to_post(post: Post, message: str):
    default = url_for("threads.permalink", post_id=post.id)
    return done(message, default, anchor=f"post-{post.id}")


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@kept_in(FlagForm)
@login_required
@limits.flagging
def flag(post_id: int):
    """A page of its own for the flag form: one link per post keeps long threads light."""
    post = load_post(post_id)
    form = FlagForm()
    if wants_json():
        check(form)
    if form.validate_on_submit():
        try:
            moderation.flag_post(post, signed_in(), form.reason.data, form.details.data or "")
        except (InvalidInput, NotAllowed) as error:
            attach_error(form, error)
        else:
            limits.accepted()
            if wants_json():
                return {"flagged": True}
            return _back_to_post(post, _("Thank you. The moderators will look at it."))
    if request.method == "GET":
        form.next.data = local_next(url_for("threads.permalink", post_id=post.id))
    return render_template("moderation/flag.html", form=form, post=post), status_for(form)


@bp.post("/moderation/posts/<int:post_id>/hide")
@moderator_required
def hide(post_id: int):
    post, form = _post_form(post_id, ReasonForm)
    moderation.hide_post(post, signed_in(), form.reason.data, form.note.data or "")
    return _back_to_post(post, _("The post is hidden."))


@bp.post("/moderation/posts/<int:post_id>/restore")
@moderator_required
def restore(post_id: int):
    post, _form = _post_form(post_id, ScopedActionForm)
    moderation.restore_post(post, signed_in())
    return _back_to_post(post, _("The post is shown again."))


@bp.post("/moderation/posts/<int:post_id>/feature")
@moderator_required
def feature(post_id: int):
    post, _form = _post_form(post_id, ScopedActionForm)
    moderation.set_featured(post, signed_in(), True)
    return _back_to_post(post, _("The post is an editor's pick."))


@bp.post("/moderation/posts/<int:post_id>/unfeature")
@moderator_required
def unfeature(post_id: int):
    post, _form = _post_form(post_id, ScopedActionForm)
    moderation.set_featured(post, signed_in(), False)
    return _back_to_post(post, _("The post is no longer an editor's pick."))


@bp.post("/moderation/posts/<int:post_id>/approve")
@moderator_required
def approve(post_id: int):
    post, _form = _post_form(post_id, ScopedActionForm)
    moderation.approve_post(post, signed_in())
    return _back_to_post(post, _("The post is approved and published."))


@bp.post("/moderation/posts/<int:post_id>/reject")
@moderator_required
def reject(post_id: int):
    post, form = _post_form(post_id, ReasonForm)
    moderation.reject_post(post, signed_in(), form.reason.data, form.note.data or "")
    return _back_to_post(post, _("The post is rejected; its author is shown the reason."))


@bp.post("/moderation/flags/<int:flag_id>/dismiss")
@moderator_required
def dismiss(flag_id: int):
    found = db.get_or_404(Flag, flag_id)
    post = load_post(found.post_id)
    form = ScopedActionForm()
    check_scope(form, post.thread_id)
    check(form)
    moderation.dismiss_flag(found, signed_in())
    return done(_("The flag is dismissed."), url_for("moderation.queue"))


def _thread_action(thread_id: int, action: Action, message: str):
    thread = load_thread(thread_id)
    form = ScopedActionForm()
    check_scope(form, thread.id)
    check(form)
    moderation.set_thread_state(thread, signed_in(), action)
    return done(message, url_for("threads.show", thread_id=thread.id))


@bp.post("/moderation/threads/<int:thread_id>/pin")
@moderator_required
def pin(thread_id: int):
    return _thread_action(thread_id, Action.PIN, _("The thread is pinned."))


@bp.post("/moderation/threads/<int:thread_id>/unpin")
@moderator_required
def unpin(thread_id: int):
    return _thread_action(thread_id, Action.UNPIN, _("The thread is no longer pinned."))


@bp.post("/moderation/threads/<int:thread_id>/lock")
@moderator_required
def lock(thread_id: int):
    return _thread_action(thread_id, Action.LOCK, _("The thread is locked."))


@bp.post("/moderation/threads/<int:thread_id>/unlock")
@moderator_required
def unlock(thread_id: int):
    return _thread_action(thread_id, Action.UNLOCK, _("The thread is open again."))


def _article_action(slug: str, is_open: bool, message: str):
    article = load_article(slug)
    check(ActionForm())
    moderation.set_discussion_open(article, signed_in(), is_open)
    return done(message, url_for("articles.show", slug=article.slug))


@bp.post("/moderation/articles/<slug>/close")
@moderator_required
def close(slug: str):
    return _article_action(slug, False, _("The discussion is closed."))


@bp.post("/moderation/articles/<slug>/reopen")
@moderator_required
def reopen(slug: str):
    return _article_action(slug, True, _("The discussion is open again."))
