"""Registering, logging in and out, and resetting a forgotten password."""

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import limits, mail
from ..errors import InvalidInput
from ..forms import attach_error, kept_in, status_for
from ..models import User
from ..redirects import local_next
from ..services import accounts, sessions
from .forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def start_session(user: User, remember: bool = False) -> None:
    """Log the user in on a new, empty session, with a login session of its own on the server:
    nothing from before the login survives, and ending it ends every copy of the cookies."""
    session.clear()
    started = sessions.start(user, request.headers.get("User-Agent", ""), remember)
    login_user(user, remember=remember)
    # Flask-Login wrote the bare user id (User.get_id); both cookies carry the session's id.
    session["_user_id"] = started.login_id
    g.login_session = started.row


@bp.route("/register", methods=["GET", "POST"])
@kept_in(RegisterForm)
@limits.registering
def register():
    """Register; the answer is the same whether or not the address already has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("articles.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            outcome = accounts.sign_up(
                form.username.data,
                form.email.data,
                form.password.data,
                locale=str(get_locale()),
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            limits.accepted()  # it sent an e-mail, whoever owns the address
            if outcome.user is not None:
                mail.send_confirmation(outcome.user, next=local_next("") or None)
            else:
                mail.send_registration_attempt(outcome.owner)
            flash(
                _(
                    "Check your inbox: we sent a message to %(email)s. Follow its link to "
                    "confirm the address, then log in.",
                    email=accounts.normalise_email(form.email.data),
                ),
                "info",
            )
            return redirect(url_for("auth.login", next=local_next("") or None))
    return render_template("auth/register.html", form=form), status_for(form)


@bp.route("/login", methods=["GET", "POST"])
@limits.login_by_address
@limits.login_by_account
def login():
    if current_user.is_authenticated:
        return redirect(local_next(url_for("articles.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None and user.banned:
            form.form_errors.append(
                _("This account is banned: %(reason)s", reason=user.sanction_reason)
            )
        elif user is not None:
            start_session(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(local_next(url_for("articles.index")))
        else:
            limits.login_failed()
            form.password.errors.append(_("Wrong username, e-mail address or password."))
    return render_template("auth/login.html", form=form), status_for(form)


@bp.post("/logout")
@login_required
def logout():
    # End the login on the server, so no copy of the session or remember cookie logs in
    # again, and empty the whole session, so nothing of it outlives the user's visit.
    this = g.get("login_session")
    if this is not None:
        sessions.end(this.id)
    session.clear()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("articles.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limits.password_reset
def reset_request():
    """Send a reset link; the answer is the same whether or not the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user_for_reset(form.email.data)
        if user is not None:
            mail.send_password_reset(user)
        flash(
            _(
                "If an account uses %(email)s, a link to choose a new password is on its way "
                "there.",
                email=form.email.data.strip(),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), status_for(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.user_to_reset(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.password.data)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            # The reset ended every session of the account, this one too.
            mail.send_password_changed(user)
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user), status_for(form)
