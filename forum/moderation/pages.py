"""The moderators' pages: the queue, the audit log, the settings and a user's sanctions."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..errors import ForumError
from ..forms import attach_error, status_for
from ..models import Action, User
from ..pagination import page_number
from ..services import moderation
from ..services.accounts import find_user_by_name
from ..services.queue import (
    SECTION_LIMIT,
    audit_page,
    busy_articles,
    entries_about,
    flagged_posts,
    flags_against,
    held_posts,
    hidden_posts,
    log_filter,
    logged_articles,
    posts_by,
)
from ..services.rules import is_suspended
from ..services.settings import load_settings, save_settings
from ..viewer import signed_in
from .forms import BanForm, SettingsForm, SuspendForm, UnbanForm
from .labels import entry_reason
from .views import bp, done, moderator_required

SANCTION_FORMS = {"suspend_form": SuspendForm, "ban_form": BanForm, "unban_form": UnbanForm}


@bp.get("/moderation")
@moderator_required
def queue():
    return render_template(
        "moderation/queue.html",
        flagged=flagged_posts(),
        held=held_posts(),
        hidden=hidden_posts(),
        articles=busy_articles(),
        limit=SECTION_LIMIT,
    )


@bp.get("/moderation/log")
@moderator_required
def log():
    args = request.args
    chosen = log_filter(args.get("moderator", ""), args.get("action", ""), args.get("article", ""))
    page = audit_page(chosen, page_number())
    return render_template(
        "moderation/log.html",
        page=page,
        chosen=chosen,
        actions=list(Action),
        articles=logged_articles(),
        entry_reason=entry_reason,
    )


@bp.route("/moderation/settings", methods=["GET", "POST"])
@moderator_required
def settings():
    current = load_settings()
    form = SettingsForm(
        data={
            "hold_first": current.hold_first,
            "watched": "\n".join(current.watched),
            "blocked": "\n".join(current.blocked),
        }
    )
    if form.validate_on_submit():
        try:
            save_settings(
                signed_in(), form.hold_first.data, form.watched.data or "", form.blocked.data or ""
            )
        except ForumError as error:
            attach_error(form, error)
        else:
            flash(_("The settings are saved."), "success")
            return redirect(url_for("moderation.settings"))
    return render_template("moderation/settings.html", form=form), status_for(form)


def _load_user(username: str) -> User:
    user = find_user_by_name(username)
    if user is None:
        abort(404)
    return user


def _user_page(user: User, sent: FlaskForm | None = None, status: int = 200):
    """The user's state and the sanction forms; `sent` is the form that was posted, if any."""
    forms = {name: form_class(formdata=None) for name, form_class in SANCTION_FORMS.items()}
    for name, form_class in SANCTION_FORMS.items():
        if isinstance(sent, form_class):
            forms[name] = sent
    page = render_template(
        "moderation/user.html",
        user=user,
        suspended=is_suspended(user),
        entries=entries_about(user),
        posts=posts_by(user),
        flags=flags_against(user),
        entry_reason=entry_reason,
        **forms,
    )
    return page, status


@bp.get("/moderation/users/<username>")
@moderator_required
def user(username: str):
    return _user_page(_load_user(username))


def _sanction(user: User, form: FlaskForm, act: Callable[[], None], message: str):
    """Run a sanction from the user page; its errors show on that page, with the input kept."""
    if form.validate_on_submit():
        try:
            act()
        except ForumError as error:
            attach_error(form, error)
            return _user_page(user, form, error.status_code)
        return done(message, url_for("moderation.user", username=user.username))
    return _user_page(user, form, status_for(form))


@bp.post("/moderation/users/<username>/suspend")
@moderator_required
def suspend(username: str):
    user, form = _load_user(username), SuspendForm()
    return _sanction(
        user,
        form,
        lambda: moderation.suspend_user(user, signed_in(), form.until_utc(), form.reason.data),
        _("%(name)s is suspended.", name=user.username),
    )


@bp.post("/moderation/users/<username>/ban")
@moderator_required
def ban(username: str):
    user, form = _load_user(username), BanForm()
    return _sanction(
        user,
        form,
        lambda: moderation.ban_user(user, signed_in(), form.reason.data),
        _("%(name)s is banned.", name=user.username),
    )


@bp.post("/moderation/users/<username>/unban")
@moderator_required
def unban(username: str):
    user, form = _load_user(username), UnbanForm()
    return _sanction(
        user,
        form,
        lambda: moderation.unban_user(user, signed_in(), form.reason.data or ""),
        _("%(name)s may write again.", name=user.username),
    )
