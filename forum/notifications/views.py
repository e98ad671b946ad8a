"""The reader's notifications, following articles and threads, and their settings."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..extensions import csrf
from ..httpheaders import NEVER_STORED
from ..loaders import load_article, load_thread
from ..redirects import local_next
from ..services import following, notification_mail, notifications
from ..services.following import ThreadChoice
from ..viewer import signed_in
from .forms import ActionForm, ArticleFollowForm, NotificationSettingsForm, ThreadFollowForm

bp = Blueprint("notifications", __name__)

# What the reader is told after each button.
ARTICLE_DONE = {
    "follow": _l(
        "You follow this article: new contributions in its threads show under Notifications."
    ),
    "unfollow": _l("You no longer follow this article."),
}
THREAD_DONE = {
    ThreadChoice.FOLLOW: _l(
        "You follow this thread: its new contributions show under Notifications."
    ),
    ThreadChoice.UNFOLLOW: _l("You no longer follow this thread."),
    ThreadChoice.MUTE: _l("Thread muted: nothing from it shows under Notifications."),
    ThreadChoice.UNMUTE: _l("The thread is no longer muted."),
}


@bp.after_request
def _never_stored(response: Response) -> Response:
    # A reader's own list and settings: as the /account pages (httpheaders.py).
    response.headers["Cache-Control"] = NEVER_STORED
    return response


@bp.get("/notifications")
@login_required
def index():
    listing = notifications.notification_page(signed_in())
    return render_template(
        "notifications/index.html", listing=listing, form=ActionForm()
    ), 404 if listing.page.page > max(listing.page.pages, 1) else 200


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Mark the notification read and go to the post it is about (never on a GET)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    target = notifications.open_notification(signed_in(), notification_id)
    return redirect(url_for("threads.permalink", post_id=target))


@bp.post("/notifications/read")
@login_required
def read_all():
    if not ActionForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(signed_in())
    flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """What the reader follows, with buttons to stop, and whether posting follows."""
    user = signed_in()
    chosen = {
        f"email_{kind}": mode.value for kind, mode in notification_mail.choices(user).items()
    }
    form = NotificationSettingsForm(
        data={"follow_threads_posted_in": user.follow_threads_posted_in, **chosen}
    )
    if form.validate_on_submit():
        following.set_follow_posted_in(user, form.follow_threads_posted_in.data)
        notification_mail.choose(user, form.email_choices())
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        form=form,
        followed=following.followed_by(user),
        action_form=ActionForm(),
    )


@bp.post("/articles/<slug>/follow")
@login_required
def follow_article(slug: str):
    article = load_article(slug)
    form = ArticleFollowForm()
    if not form.validate_on_submit():
        abort(400)
    following.follow_article(signed_in(), article, form.action.data == "follow")
    flash(str(ARTICLE_DONE[form.action.data]), "success")
    return redirect(local_next(url_for("articles.show", slug=article.slug)))


@bp.post("/threads/<int:thread_id>/follow")
@login_required
def follow_thread(thread_id: int):
    thread = load_thread(thread_id)
    form = ThreadFollowForm()
    if not form.validate_on_submit():
        abort(400)
    choice = ThreadChoice(form.action.data)
    following.choose_for_thread(signed_in(), thread, choice)
    flash(str(THREAD_DONE[choice]), "success")
    return redirect(local_next(url_for("threads.show", thread_id=thread.id)))


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail program POSTs, with no session and no form of ours
def unsubscribe(token: str):
    """The link in every notification e-mail: a button that turns those e-mails off (a GET
    writes nothing: mail scanners follow links), and the one-click POST itself."""
    found = notification_mail.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", found=None), 400
    done = request.method == "POST"
    if done:
        notification_mail.unsubscribe(found)
    return render_template("notifications/unsubscribe.html", found=found, done=done)
