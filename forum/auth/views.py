"""Registering, logging in and out."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import limits
from ..errors import InvalidInput
from ..forms import attach_error, status_for
from ..redirects import local_next
from ..services import accounts
from .forms import LoginForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
@limits.registering
def register():
    if current_user.is_authenticated:
        return redirect(url_for("articles.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                form.username.data,
                form.email.data,
                form.password.data,
                locale=str(get_locale()),
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.username), "success")
            return redirect(local_next(url_for("articles.index")))
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
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(local_next(url_for("articles.index")))
        else:
            form.password.errors.append(_("Wrong username, e-mail address or password."))
    return render_template("auth/login.html", form=form), status_for(form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("articles.index"))
