"""The newsletter's pages: subscribing, the links from its e-mails, and the archive of issues.

Nothing here sends an issue: the queue's consumer and `forum send-digest` do (tasks.py).
"""

from babel.dates import get_day_names
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import limits
from ..extensions import csrf
from ..forms import kept_in
from ..models import SubscriberStatus
from ..redirects import is_local_url
from ..services import newsletter
from ..services import newsletter_issues as issues
from . import letters, sending
from .forms import ConfirmForm, SubscribeForm

bp = Blueprint("newsletter", __name__, url_prefix="/newsletter")


@bp.get("")
def index():
    """The subscribe form and the past issues."""
    return _front_page(SubscribeForm())


def _front_page(form: SubscribeForm, status: int = 200, *, once_more: bool = False):
    return render_template(
        "newsletter/index.html",
        form=form,
        issues=issues.archive(),
        day=_day_name(),
        once_more=once_more,
    ), status


def _day_name() -> str | None:
    """The day the newsletter comes, in the reader's language (None: the setting is wrong,
    which the worker's log says)."""
    try:
        day, _hour = sending.schedule()
    except sending.BadSchedule:
        return None
    return get_day_names("wide", locale=get_locale())[day]


# Exempt from the global check, which would answer "expired" to a visitor: the form on the
# shared front and article pages holds no token for visitors (their copy of the page is the
# same for all of them, and starts no session). The form still checks its token itself, and
# a form without a valid one comes back filled, with a token, to be sent once more.
@bp.post("/subscribe")
@csrf.exempt
@kept_in(SubscribeForm)
@limits.subscribing
def subscribe():
    """Subscribe; the answer is the same whether or not the address is subscribed."""
    form = SubscribeForm()
    valid = form.validate()
    if "csrf_token" in form.errors:
        form.csrf_token.errors = []
        return _front_page(form, 422 if form.errors else 200, once_more=True)
    if not valid:
        return _front_page(form, 422)
    limits.accepted()
    outcome = newsletter.subscribe(form.email.data, str(get_locale()))
    if outcome.mail == "confirm":
        letters.send_confirmation(outcome.subscriber)
    elif outcome.mail == "already":
        letters.send_already_subscribed(outcome.subscriber)
    flash(
        _(
            "Check your inbox: we sent a message to %(email)s. Follow its link to confirm "
            "the subscription.",
            email=outcome.subscriber.email,
        ),
        "info",
    )
    back = form.next.data
    return redirect(back if is_local_url(back) else url_for("newsletter.index"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link from the e-mail shows a button; only its POST confirms (GET never writes, and
    mail scanners follow links)."""
    subscriber = newsletter.subscriber_to_confirm(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        if newsletter.confirm(subscriber):
            flash(_("Thank you: you are subscribed to the newsletter."), "success")
        else:
            flash(_("Your subscription is already confirmed."), "info")
        return redirect(url_for("newsletter.index"))
    confirmed = subscriber.status == SubscriberStatus.CONFIRMED
    return render_template(
        "newsletter/confirm.html", form=form, subscriber=subscriber, confirmed=confirmed
    )


# RFC 8058: a mail program's one-click unsubscribe is a POST with neither login nor CSRF
# token; the signed token in the address is what proves it comes from the subscriber's mail.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET shows a button; a POST (that button, or a mail program) unsubscribes at once."""
    subscriber = newsletter.subscriber_to_unsubscribe(token)
    if request.method == "POST":
        newsletter.unsubscribe(subscriber)
        return render_template("newsletter/unsubscribed.html", subscriber=subscriber)
    left = subscriber.status == SubscriberStatus.UNSUBSCRIBED
    return render_template("newsletter/unsubscribe.html", subscriber=subscriber, left=left)


@bp.get("/<int:number>")
def issue(number: int):
    """A past issue as it went out, without any subscriber's own links."""
    found = issues.published_issue(number)
    if found is None:
        abort(404)
    return render_template(
        "newsletter/issue.html", issue=found, digest=issues.digest(found), link=url_for
    )
