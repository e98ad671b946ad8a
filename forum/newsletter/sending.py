"""Sending the weekly issue: to each confirmed subscriber once, over one connection to the mail
server, by the queue's consumer or `forum send-digest`, never inside a web request."""

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message

from .. import mail as mails
from ..extensions import mail
from ..models import NewsletterIssue, utcnow
from ..services import newsletter_issues as issues
from ..services.newsletter_issues import Digest, Plan, Recipient
from .letters import locale_of, render_issue, require_public_url

logger = logging.getLogger("forum.newsletter")

# Deliveries read (and the sender's hold renewed) at a time.
BATCH = 100


@dataclass
class Sent:
    """What one sender did with an issue."""

    sent: int = 0
    refused: int = 0  # addresses the mail server refused for good
    busy: bool = False  # another sender holds the issue: it sends the rest
    error: str | None = None  # the mail server stopped answering; the rest waits


def send_issue(issue: NewsletterIssue, *, batch_size: int = BATCH) -> Sent:
    """Send the issue to each confirmed subscriber not yet sent it, over one connection.

    Each delivery is marked sent as soon as the mail server took its e-mail, so a sender
    killed midway is followed (after its hold lapses) by one that sends only the rest; a
    subscriber who unsubscribes meanwhile is left out from the next batch on.
    """
    require_public_url()
    sender = secrets.token_hex(8)
    result = Sent()
    if not issues.take_issue(issue, sender):
        result.busy = True
        return result
    completed = False
    try:
        issues.add_deliveries(issue)
        rendered = _Letters(issues.digest(issue))
        with mail.connect() as connection:
            after = 0
            while batch := issues.pending_deliveries(issue, after, batch_size):
                for recipient in batch:
                    _send_one(connection, rendered.to(recipient), recipient.delivery_id, result)
                after = batch[-1].delivery_id
                if not issues.hold_issue(issue, sender):
                    result.busy = True
                    return result
        completed = True
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("newsletter %s stopped after %d e-mails: %s", issue, result.sent, error)
        result.error = str(error) or type(error).__name__
    finally:
        issues.release_issue(issue, sender, completed=completed)
    return result


class _Letters:
    """An issue's letter in each of the site's languages, rendered before the first is sent."""

    def __init__(self, digest: Digest) -> None:
        languages = current_app.config["LANGUAGES"]
        self.rendered = {locale: render_issue(digest, locale) for locale in languages}

    def to(self, recipient: Recipient) -> Message:
        return self.rendered[locale_of(recipient.locale)].to(recipient)


def _send_one(connection: Connection, message: Message, delivery_id: int, result: Sent) -> None:
    if connection.mail.suppress:
        mails.log_message(message)  # in development, to the log, as every other e-mail
    try:
        connection.send(message)
    except (smtplib.SMTPRecipientsRefused, ValueError, BadHeaderError) as error:
        # The address will never take it (refused, or one Flask-Mail cannot write, such as
        # a local part that is not ASCII): recorded, and not tried again.
        logger.warning("newsletter delivery %d not sent: %r", delivery_id, error)
        issues.mark_sent(delivery_id, refused=True)
        result.refused += 1
        return
    issues.mark_sent(delivery_id)
    result.sent += 1


@dataclass(frozen=True)
class Outcome:
    """This week's issue, if due, and what was sent of it now (None: nothing to send)."""

    issue: NewsletterIssue | None
    sent: Sent | None


def send_this_week(now: datetime | None = None, *, by_hand: bool = False) -> Outcome:
    """Make and send this week's issue once it is due (NEWSLETTER_DAY at NEWSLETTER_HOUR);
    `by_hand`, now, whatever the day. An issue with nothing in it is not sent."""
    now = now or utcnow()
    if not by_hand and now < issues.scheduled_moment(now, *schedule()):
        return Outcome(None, None)
    require_public_url()
    issue = issues.make_issue(now, again_if_empty=by_hand)
    if issue.completed_at is not None:
        return Outcome(issue, None)
    return Outcome(issue, send_issue(issue))


class BadSchedule(ValueError):
    """NEWSLETTER_DAY or NEWSLETTER_HOUR is not a day or an hour."""


def schedule() -> tuple[int, int]:
    """NEWSLETTER_DAY and NEWSLETTER_HOUR, checked."""
    day, hour = (current_app.config[name] for name in ("NEWSLETTER_DAY", "NEWSLETTER_HOUR"))
    if type(day) is not int or not 0 <= day <= 6:
        raise BadSchedule(f"NEWSLETTER_DAY={day!r}: a day from 0 (Monday) to 6 (Sunday)")
    if type(hour) is not int or not 0 <= hour <= 23:
        raise BadSchedule(f"NEWSLETTER_HOUR={hour!r}: an hour from 0 to 23")
    return day, hour


@dataclass(frozen=True)
class Preview:
    """What `send-digest --dry-run` tells: this week's issue as it would go out, and to whom
    (address, language); `sent` is an issue of this week that already went out."""

    digest: Digest | None
    recipients: list[tuple[str, str]]
    subjects: dict[str, str]
    sent: NewsletterIssue | None = None


def preview_this_week(now: datetime | None = None) -> Preview:
    """What send_this_week(by_hand=True) would send now; sends and records nothing."""
    now = now or utcnow()
    issue = issues.issue_of_week(*issues.iso_week(now))
    if issue is not None and issue.completed_at is not None and not issue.empty:
        return Preview(None, [], {}, sent=issue)
    source: NewsletterIssue | Plan
    if issue is None or issue.empty:
        # An issue not yet made, or a week found empty, which a send by hand plans again.
        source, issue = issues.plan_issue(now), None
    else:
        source = issue
    if source.number is None:
        return Preview(None, [], {})
    digest = issues.digest(source)
    recipients = issues.recipients(issue)
    locales = {locale_of(locale) for _email, locale in recipients}
    subjects = {locale: render_issue(digest, locale).subject for locale in sorted(locales)}
    return Preview(digest, recipients, subjects)
