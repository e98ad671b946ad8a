"""Notification e-mails, written and sent by the worker: as it happens (a few minutes after,
so that three replies make one e-mail) and in a daily digest, each kind as its reader chose
(services/notification_mail.py).

Every e-mail is in its reader's language, as text and HTML, with links under PUBLIC_URL, and
carries one-click unsubscribe (RFC 8058) for the kinds it tells of.
"""

import logging
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from huey import crontab

from .. import jobs, mail
from ..links import external_url
from ..models import EmailMode, NotificationKind, utcnow
from ..services import notification_mail as mailing

logger = logging.getLogger("forum.notifications")


@jobs.periodic(crontab(minute="*"))
def send_as_it_happens() -> None:
    """Every minute: the e-mails of the notifications that waited NOTIFY_EMAIL_DELAY."""
    send_due(EmailMode.INSTANT, utcnow())


@jobs.periodic(crontab(minute="*/10"))
def send_daily() -> None:
    """From NOTIFY_DIGEST_HOUR on each day: the digests of what came before that hour (a
    worker that was stopped at that hour sends them once it runs again)."""
    now = utcnow()
    moment = mailing.digest_moment(now)
    if now >= moment:
        send_due(EmailMode.DAILY, moment)


def send_due(mode: EmailMode, before: datetime) -> int:
    """Queue the e-mails in `mode` of the notifications waiting from before `before`; how many
    went. Each reader's notifications are taken (and marked) in a transaction of their own."""
    if not current_app.config["PUBLIC_URL"]:
        raise RuntimeError("FLASK_PUBLIC_URL is not set: notification e-mails need it")
    mailing.let_go_of_unwanted()
    sent, after = 0, 0
    while readers := mailing.readers_due(mode, before, after):
        for user_id in readers:
            found = mailing.take(user_id, mode, utcnow())
            if found is not None and mail.queue(letter(found, mode), what=f"{mode} to {user_id}"):
                sent += 1
        after = readers[-1]
    return sent


def letter(found: mailing.Mailing, mode: EmailMode) -> dict:
    """The e-mail (Message's fields) that tells the reader of their notifications."""
    user = found.user
    site = current_app.config["SITE_NAME"]
    unsubscribe = external_url(
        "notifications.unsubscribe", token=mailing.unsubscribe_token(user, found.kinds)
    )
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = f"{site}: {_subject(found, mode)}"
        context = {
            "user": user,
            "site_name": site,
            "subject": subject,
            "daily": mode == EmailMode.DAILY,
            "threads": mailing.entries_by_thread(found),
            "link": lambda entry: external_url("threads.permalink", post_id=entry.target),
            "settings": external_url("notifications.settings"),
            "unsubscribe": unsubscribe,
        }
        body = render_template("email/notifications.txt", **context)
        html = render_template("email/notifications.html", **context)
    return {
        "subject": subject,
        "recipients": [user.email],
        "body": body,
        "html": html,
        "extra_headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


def _subject(found: mailing.Mailing, mode: EmailMode) -> str:
    if mode == EmailMode.DAILY:
        return _("Your daily notifications")
    if len(found.entries) > 1:
        return ngettext(
            "%(num)d new notification", "%(num)d new notifications", len(found.entries)
        )
    (entry,) = found.entries
    post = entry.notification.post
    name = post.author.name if post is not None and post.author else _("deleted user")
    if entry.kind == NotificationKind.AUTHOR_REPLY:
        return _("%(name)s, the author of the article, answered you", name=name)
    if entry.kind == NotificationKind.REPLY:
        return _("%(name)s replied to you", name=name)
    return _("A new notification")
