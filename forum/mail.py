"""The site's e-mails: plain text in the recipient's language; in development, to the log."""

import logging
import smtplib
import sys

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message

from . import jobs
from .extensions import mail
from .links import external_url
from .models import User
from .services import accounts

logger = logging.getLogger("forum.mail")

SUBJECTS = {
    "confirm_email": _l("Confirm your e-mail address"),
    "reset_password": _l("Reset your password"),
    "password_changed": _l("Your password was changed"),
    "email_changed": _l("Your e-mail address was changed"),
    "email_change_requested": _l("Someone asked to change your e-mail address"),
    "registration_attempt": _l("Someone tried to register with your address"),
}


def send_confirmation(user: User, next: str | None = None) -> bool:
    """Send the link that confirms the user's current address; `next` (a local path) is where
    it leads once followed."""
    return _send_confirmation_link(user, accounts.email_token(user), user.email, next)


def send_email_change(user: User) -> bool:
    """Send the link that moves the account to its pending address, to that address."""
    return _send_confirmation_link(
        user, accounts.email_change_token(user), user.pending_email, None
    )


def _send_confirmation_link(user: User, token: str, to: str | None, next: str | None) -> bool:
    link = external_url("account.confirm_email", token=token, next=next)
    days = max(1, current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400)
    return send(user, "confirm_email", to=to, link=link, days=days)


def send_email_change_requested(user: User) -> bool:
    """Tell the current address that a move to the pending one was asked for, and how to
    cancel it."""
    link = external_url("account.index")
    return send(user, "email_change_requested", new_address=user.pending_email, link=link)


def send_password_reset(user: User) -> bool:
    """Send a single-use link for choosing a new password."""
    link = external_url("auth.reset_password", token=accounts.reset_token(user))
    minutes = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
    return send(user, "reset_password", link=link, minutes=minutes)


def send_password_changed(user: User) -> bool:
    """Tell the user that their password changed, with the way back if it was not them."""
    return send(user, "password_changed", link=external_url("auth.reset_request"))


def send_email_changed(user: User, old_address: str) -> bool:
    """Tell the old address that the account moved to another one."""
    link = external_url("auth.login")
    return send(user, "email_changed", to=old_address, link=link)


def send_registration_attempt(user: User) -> bool:
    """Tell the owner of an address that someone registered with it, and how to get in."""
    login, reset = external_url("auth.login"), external_url("auth.reset_request")
    return send(user, "registration_attempt", login_link=login, reset_link=reset)


def send(user: User, template: str, *, to: str | None = None, **context) -> bool:
    """Render templates/email/<template>.txt in the user's language and queue it for sending;
    False if it could not be queued."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    site = current_app.config["SITE_NAME"]
    with force_locale(locale):
        subject = f"{site}: {SUBJECTS[template]}"
        body = render_template(f"email/{template}.txt", user=user, site_name=site, **context)
    letter = {"subject": subject, "recipients": [to or user.email], "body": body}
    return queue(letter, what=f"{template!r} to user {user.id}")


def queue(letter: dict, *, what: str) -> bool:
    """Hand a rendered e-mail (Message's fields) to the queue, which sends it, trying again
    with longer waits while the mail server does not take it; False if the queue did not
    answer."""
    config = current_app.config
    try:
        deliver(
            letter, what, retries=config["MAIL_RETRIES"], retry_delay=config["MAIL_RETRY_DELAY"]
        )
    except Exception:
        logger.exception("could not queue %s", what)
        return False
    return True


class Letter(Message):
    """Flask-Mail's message with header lines as long as RFC 5322 allows (998 characters).
    Folded at 78, a List-Unsubscribe address came out as RFC 2047 encoded words, which mail
    programs need not read as an address."""

    def _message(self):
        message = super()._message()
        message.policy = message.policy.clone(max_line_length=998)
        return message


@jobs.task(retry_backoff=2)
def deliver(letter: dict, what: str) -> None:
    message = Letter(**letter)
    if current_app.extensions["mail"].suppress:
        log_message(message)
    try:
        mail.send(message)
    except (smtplib.SMTPRecipientsRefused, UnicodeEncodeError):
        # It will never go (an address that does not exist, or one with a local part that is
        # not ASCII, which Flask-Mail cannot write): no use trying again.
        logger.warning("the mail server refused %s, or it could not be written", what)
    except (smtplib.SMTPException, OSError):
        logger.warning("could not send %s; it will be tried again", what, exc_info=True)
        raise


def log_message(message: Message) -> None:
    """Write the whole message where a developer sees it, so its links can be followed."""
    if not logger.handlers and not current_app.testing:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    recipients = ", ".join(message.recipients)
    logger.info("e-mail not sent (no MAIL_SERVER, or MAIL_SUPPRESS_SEND)")
    # A record a line: the log escapes line breaks inside a record (forum/requestlog.py), and
    # a developer must be able to copy the links.
    for line in [f"To: {recipients}", f"Subject: {message.subject}", *message.body.splitlines()]:
        if line.strip():
            logger.info("| %s", line)
