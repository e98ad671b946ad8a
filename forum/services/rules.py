"""Checks shared by every write: is the discussion open, and may this user write at all."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import DiscussionClosed, NotAllowed, ThreadLocked, ThreadWithdrawn
from ..models import Article, Thread, User, utcnow
from ..moments import moment


class Suspended(NotAllowed):
    default_message = _l("Your account is suspended.")


class Unconfirmed(NotAllowed):
    resend_confirmation = True  # the notice offers to send the link again
    default_message = _l(
        "Confirm your e-mail address first: follow the link we sent you, or have a new one sent."
    )


class Banned(NotAllowed):
    default_message = _l("Your account is banned.")


# Accounts younger than this get the stricter limits and may put few links in a post.
NEW_ACCOUNT_AGE = timedelta(days=1)


def is_new_account(user: User) -> bool:
    return utcnow() - user.created_at < NEW_ACCOUNT_AGE


def is_suspended(user: User) -> bool:
    return user.suspended_until is not None and user.suspended_until > utcnow()


def check_may_write(user: User) -> None:
    """Banned and suspended users may read, but not post, reply, vote or flag; nor, where
    REQUIRE_CONFIRMED_EMAIL is set, may users whose address is not confirmed."""
    # gettext, not _l: a lazy string counts as safe HTML in templates, and the reason is text
    # a moderator typed, so it must stay a plain string that the templates escape.
    reason = user.sanction_reason or _("no reason given")
    if user.banned:
        raise Banned(_("Your account is banned: %(reason)s", reason=reason))
    if is_suspended(user):
        until = moment(user.suspended_until)
        raise Suspended(
            _("Your account is suspended until %(until)s: %(reason)s", until=until, reason=reason)
        )
    if current_app.config["REQUIRE_CONFIRMED_EMAIL"] and user.email_confirmed_at is None:
        raise Unconfirmed()


def write_refusal(user: User | None) -> NotAllowed | None:
    """Why this reader may not post, reply, vote or flag (shown where the forms would be), or
    None if they may."""
    if user is None:
        return None
    try:
        check_may_write(user)
    except NotAllowed as refusal:
        return refusal
    return None


def check_article_open(article: Article) -> None:
    if not article.is_published:
        raise NotAllowed(_l("This article is not published."))
    if not article.discussion_open:
        raise DiscussionClosed()


def check_thread_open(thread: Thread) -> None:
    check_article_open(thread.article)
    if thread.retired_at is not None:
        raise ThreadWithdrawn()
    if thread.locked:
        raise ThreadLocked()
