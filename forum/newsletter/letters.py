"""The newsletter's e-mails: the confirmation link (queued, as every single e-mail is), and each
weekly issue's letter, rendered once per language for every subscriber reading it in that one.

What differs between two subscribers' copies of an issue is only the unsubscribe link, so a
letter is rendered with TOKEN_HOLE in its place, and each copy fills in its own token.
"""

import re
import time
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mail import Message, sanitize_address

from .. import mail as mails
from ..links import external_url
from ..models import Subscriber
from ..services import newsletter
from ..services.newsletter_issues import Digest, Recipient

# Stands for each subscriber's unsubscribe token while an issue is rendered for all of them:
# letters only, so URL building and HTML escaping leave it as it is.
# (A placeholder, not a secret.)
TOKEN_HOLE = "UNSUBSCRIBETOKENHOLE"  # nosec B105
ONE_CLICK = "List-Unsubscribe=One-Click"

SUBJECTS = {
    "newsletter_confirm": _l("Confirm your subscription to the newsletter"),
    "newsletter_already": _l("You already receive the newsletter"),
}


class NoPublicUrl(RuntimeError):
    """The links in an issue need FLASK_PUBLIC_URL: it is rendered without a request."""


def locale_of(subscriber_locale: str | None) -> str:
    languages = current_app.config["LANGUAGES"]
    if subscriber_locale in languages:
        return subscriber_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def send_confirmation(subscriber: Subscriber) -> bool:
    """Queue the e-mail with the link that confirms the subscription; False if not queued."""
    token = newsletter.confirm_token(subscriber)
    days = max(1, current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400)
    link = external_url("newsletter.confirm", token=token)
    return _queue(subscriber, "newsletter_confirm", link=link, days=days)


def send_already_subscribed(subscriber: Subscriber) -> bool:
    """Queue the e-mail telling a subscribed address that someone asked for it again."""
    unsubscribe = external_url(
        "newsletter.unsubscribe", token=newsletter.unsubscribe_token(subscriber.id)
    )
    archive = external_url("newsletter.index")
    return _queue(subscriber, "newsletter_already", archive=archive, unsubscribe=unsubscribe)


def _queue(subscriber: Subscriber, template: str, **context) -> bool:
    site = current_app.config["SITE_NAME"]
    with force_locale(locale_of(subscriber.locale)):
        subject = f"{site}: {SUBJECTS[template]}"
        body = render_template(f"email/{template}.txt", site_name=site, **context)
    letter = {"subject": subject, "recipients": [subscriber.email], "body": body}
    return mails.queue(letter, what=f"{template!r} to subscriber {subscriber.id}")


@dataclass(frozen=True)
class Letter:
    """An issue's e-mail in one language, with TOKEN_HOLE for the reader's own token, and
    its MIME bytes with holes for each copy's own parts (None: each copy makes its own)."""

    subject: str
    body: str
    html: str
    unsubscribe: str
    skeleton: bytes | None = None

    def to(self, recipient: Recipient) -> Message:
        token = newsletter.unsubscribe_token(recipient.subscriber_id)
        return Copy(
            self,
            token,
            subject=self.subject,
            recipients=[recipient.email],
            body=self.body.replace(TOKEN_HOLE, token),
            html=self.html.replace(TOKEN_HOLE, token),
            extra_headers={
                # RFC 2369 and RFC 8058: mail programs offer "unsubscribe", one POST away.
                "List-Unsubscribe": f"<{self.unsubscribe.replace(TOKEN_HOLE, token)}>",
                "List-Unsubscribe-Post": ONE_CLICK,
            },
        )


# The parts of a letter's MIME bytes that differ between copies. The texts go in as the email
# package writes them for Flask-Mail (which has it send UTF-8 as it is, 8bit): lines ended by
# CRLF. The holes are not ASCII, so the skeleton's parts say 8bit, as any issue in Danish.
TO_HOLE = "copy-recipient@newsletter.invalid"
MESSAGE_ID_HOLE = "<copy-message-id@newsletter.invalid>"
TEXT_HOLE = "newsletter-text-hole-\u00e6"
HTML_HOLE = "newsletter-html-hole-\u00e6"
HOLES = (TO_HOLE, MESSAGE_ID_HOLE, TOKEN_HOLE, TEXT_HOLE, HTML_HOLE)
# How the email package splits a text into lines (email.generator.NLCRE).
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _skeleton(subject: str, unsubscribe: str) -> bytes | None:
    """The letter's MIME bytes with holes, or None if a hole does not come out once."""
    message = Message(
        subject=subject,
        recipients=[TO_HOLE],
        body=TEXT_HOLE,
        html=HTML_HOLE,
        extra_headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": ONE_CLICK},
        date=time.time(),
    )
    message.msgId = MESSAGE_ID_HOLE
    raw = message.as_bytes()
    return raw if all(raw.count(hole.encode()) == 1 for hole in HOLES) else None


def _lines(text: str) -> str:
    return "\r\n".join(LINE_BREAK.split(text))


_HOLES = re.compile("|".join(re.escape(hole) for hole in HOLES).encode())


class Copy(Message):
    """One subscriber's copy of a letter. Its bytes are the letter's with the copy's own parts
    put in: the email package's MIME writing, done for each of 10,000 copies, took most of the
    time an issue took to send. (And the email package writes a List-Unsubscribe header too
    long for one line as RFC 2047 encoded words, which mail programs need not read as a URL;
    the letter's has the URL on a line of its own, as RFC 2369 allows.)"""

    def __init__(self, letter: Letter, token: str, **fields) -> None:
        super().__init__(**fields)
        self.letter, self.token = letter, token

    def as_bytes(self) -> bytes:
        if self.letter.skeleton is None:
            return super().as_bytes()
        (address,) = self.recipients
        parts = {
            TO_HOLE: sanitize_address(address, "utf-8"),  # as Flask-Mail writes it
            MESSAGE_ID_HOLE: self.msgId,
            TOKEN_HOLE: self.token,
            TEXT_HOLE: _lines(self.body or ""),
            HTML_HOLE: _lines(self.html or ""),
        }
        own = {hole.encode(): value.encode() for hole, value in parts.items()}
        return _HOLES.sub(lambda match: own[match.group()], self.letter.skeleton)


def render_issue(digest: Digest, locale: str) -> Letter:
    """The issue's subject, text and HTML in `locale`, for every subscriber reading it."""
    require_public_url()
    site = current_app.config["SITE_NAME"]
    with force_locale(locale):
        subject = _(
            "%(site)s newsletter no. %(number)d: the week's debates",
            site=site,
            number=digest.number,
        )
        context = {
            "digest": digest,
            "subject": subject,
            "site_name": site,
            "link": external_url,
            "archive": external_url("newsletter.issue", number=digest.number),
            "unsubscribe": external_url("newsletter.unsubscribe", token=TOKEN_HOLE),
        }
        body = render_template("email/newsletter_issue.txt", **context)
        html = render_template("email/newsletter_issue.html", **context)
        skeleton = _skeleton(subject, context["unsubscribe"])
    return Letter(subject, body, html, context["unsubscribe"], skeleton)


def require_public_url() -> None:
    if not current_app.config["PUBLIC_URL"]:
        raise NoPublicUrl(
            "FLASK_PUBLIC_URL is not set: the links in the newsletter would have no address. "
            "Set it to the site's address, e.g. https://debat.example.dk."
        )
