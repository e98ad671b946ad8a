"""The user's own account: profile, password, e-mail address, their data and deleting it all."""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from .. import limits, mail
from ..auth.views import start_session
from ..errors import InvalidInput
from ..forms import attach_error, status_for
from ..models import LoginSession, utcnow
from ..redirects import local_next
from ..services import account_data, accounts, sessions
from ..viewer import signed_in
from .forms import (
    CancelEmailChangeForm,
    ConfirmEmailForm,
    DeleteAccountForm,
    EmailForm,
    EndOtherSessionsForm,
    EndSessionForm,
    PasswordForm,
    ProfileForm,
    ResendConfirmationForm,
)

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("")
@login_required
def index():
    user = signed_in()
    logins = [(row, sessions.describe_browser(row.user_agent)) for row in sessions.active(user)]
    return render_template(
        "account/index.html",
        user=user,
        resend_form=ResendConfirmationForm(),
        cancel_change_form=CancelEmailChangeForm(),
        logins=logins,
        this_session=_this_session().id,
        end_form=EndSessionForm(),
        end_others_form=EndOtherSessionsForm(),
    )


def _this_session() -> LoginSession:
    """The login session of this request (forum.extensions.load_user); for login_required."""
    return g.login_session


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if not EndSessionForm().validate_on_submit():
        abort(400)
    if not sessions.end_one(signed_in(), session_id):
        abort(404)
    flash(_("The session is ended."), "success")
    return redirect(url_for("account.index"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    if not EndOtherSessionsForm().validate_on_submit():
        abort(400)
    sessions.end_others(signed_in(), keep=_this_session().id)
    flash(_("Your other sessions are ended."), "success")
    return redirect(url_for("account.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = signed_in()
    form = ProfileForm(obj=user)
    if not form.is_submitted():
        form.locale.data = user.locale or str(get_locale())
    if form.validate_on_submit():
        change = accounts.Profile(
            display_name=form.display_name.data or "",
            bio=form.bio.data or "",
            links=form.links.data or "",
            locale=form.locale.data,
        )
        try:
            accounts.update_profile(user, change)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            response = redirect(url_for("account.profile"))
            # The language switch's cookie would outrank the language just saved.
            response.delete_cookie(current_app.config["LANGUAGE_COOKIE"])
            return response
    return render_template("account/profile.html", form=form, user=user), status_for(form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limits.password_check
def password():
    user = signed_in()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            # Every session ended, this one too: this device continues on a new one, so a
            # copy of its old cookies is no use either.
            start_session(user, remember=_this_session().remember)
            mail.send_password_changed(user)
            flash(_("Your password is changed. Your other sessions are logged out."), "success")
            return redirect(url_for("account.index"))
    return render_template("account/password.html", form=form, user=user), status_for(form)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limits.password_check
def email():
    user = signed_in()
    form = EmailForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(user, form.current_password.data, form.email.data)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            mail.send_email_change_requested(user)
            _flash_sent(mail.send_email_change(user), user.pending_email)
            return redirect(url_for("account.index"))
    return render_template("account/email.html", form=form, user=user), status_for(form)


@bp.post("/email/cancel")
@login_required
def cancel_email_change():
    if not CancelEmailChangeForm().validate_on_submit():
        abort(400)
    if accounts.cancel_email_change(signed_in()):
        flash(_("The change of your e-mail address is cancelled."), "success")
    return redirect(url_for("account.index"))


@bp.post("/confirm")
@login_required
@limits.password_reset
def resend_confirmation():
    """Send the link again; `next` (a local path) is where the reader comes back to."""
    user = signed_in()
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    back = local_next("")
    if user.email_confirmed:
        flash(_("Your e-mail address is already confirmed."), "info")
    else:
        _flash_sent(mail.send_confirmation(user, next=back or None), user.email)
    return redirect(back or url_for("account.index"))


def _flash_sent(sent: bool, address: str | None) -> None:
    if sent:
        flash(_("We sent a link to %(email)s to confirm it.", email=address), "info")
    else:
        flash(_("The e-mail could not be sent just now. Please try again later."), "error")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link from the e-mail shows a button; only the POST confirms (GET never writes)."""
    link = accounts.link_to_confirm(token)
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        done = accounts.confirm_email(token)
        if done.moved_from is not None:
            mail.send_email_changed(done.user, done.moved_from)
            flash(_("Your e-mail address is now %(email)s.", email=done.user.email), "success")
        elif done.already:
            flash(_("Your e-mail address is already confirmed."), "info")
        else:
            flash(_("Thank you: your e-mail address is confirmed."), "success")
        return redirect(_after_confirming())
    return render_template("account/confirm.html", form=form, link=link)


def _after_confirming() -> str:
    """The link's `next` (a local path), through the login for a reader not logged in."""
    back = local_next("")
    if current_user.is_authenticated:
        return back or url_for("account.index")
    return url_for("auth.login", next=back) if back else url_for("articles.index")


@bp.get("/export")
@login_required
@limits.exporting
def export():
    """Everything the forum holds about the user, as a JSON download."""
    user = signed_in()
    data = account_data.export_user_data(user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = current_app.response_class(body, mimetype="application/json")
    filename = f"forum-{user.username}-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@limits.password_check
def delete():
    user = signed_in()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            account_data.delete_account(user, form.current_password.data, form.mode.data)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            session.clear()
            logout_user()
            flash(_("Your account is deleted. Goodbye, and thank you for taking part."), "info")
            return redirect(url_for("articles.index"))
    return render_template("account/delete.html", form=form, user=user), status_for(form)
