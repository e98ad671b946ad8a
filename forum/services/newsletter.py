"""The newsletter's subscribers: subscribing with double opt-in, the signed links in its
e-mails, and unsubscribing. The issues themselves: newsletter_issues.py."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..converters import MAX_ID
from ..errors import ForumError
from ..extensions import db
from ..models import Subscriber, SubscriberStatus, utcnow
from .accounts import normalise_email

CONFIRM_SALT = "forum.newsletter-confirm"
UNSUBSCRIBE_SALT = "forum.newsletter-unsubscribe"


class NewsletterLinkInvalid(ForumError):
    status_code = 400
    default_message = _l(
        "This newsletter link is not valid. Check that you copied all of it from the e-mail."
    )


class NewsletterLinkExpired(NewsletterLinkInvalid):
    default_message = _l(
        "This confirmation link has expired. Subscribe again, and we will send you a new one."
    )


class SubscriptionCancelled(ForumError):
    status_code = 409
    default_message = _l(
        "This address has unsubscribed from the newsletter since the link was sent. Subscribe "
        "again to receive it."
    )


@dataclass(frozen=True)
class Subscribed:
    """A request to subscribe: the subscriber, and which e-mail to send them now, if any
    ("confirm" for an address to confirm, "already" for one that is subscribed)."""

    subscriber: Subscriber
    mail: str | None


def subscribe(email: str, locale: str) -> Subscribed:
    """Ask for the newsletter at `email` in `locale`. The answer is for the address's owner,
    never for whoever asked (they are told the same whatever it is), and it is at most one
    e-mail per NEWSLETTER_RESEND_INTERVAL."""
    email = normalise_email(email)
    subscriber = _subscriber_by_email(email) or _new_subscriber(email, locale)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.PENDING
        subscriber.confirmed_at = None
    pending = subscriber.status == SubscriberStatus.PENDING
    if pending:
        subscriber.locale = locale
    db.session.flush()
    turn = _mail_turn(subscriber)
    db.session.commit()
    if not turn:
        return Subscribed(subscriber, None)
    return Subscribed(subscriber, "confirm" if pending else "already")


def _subscriber_by_email(email: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email))


def _new_subscriber(email: str, locale: str) -> Subscriber:
    subscriber = Subscriber(email=email, locale=locale)
    db.session.add(subscriber)
    try:
        db.session.commit()
    except IntegrityError:  # asked twice at once: the other request made it
        db.session.rollback()
        found = _subscriber_by_email(email)
        if found is None:
            raise
        return found
    return subscriber


def _mail_turn(subscriber: Subscriber) -> bool:
    """Take the address's turn for an e-mail if the last went long enough ago: one statement,
    so that of two requests at once only one sends."""
    now = utcnow()
    interval = timedelta(seconds=current_app.config["NEWSLETTER_RESEND_INTERVAL"])
    taken = db.session.execute(
        update(Subscriber)
        .where(
            Subscriber.id == subscriber.id,
            or_(Subscriber.mailed_at.is_(None), Subscriber.mailed_at <= now - interval),
        )
        .values(mailed_at=now)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def confirm_token(subscriber: Subscriber) -> str:
    """A signed, timed token for the confirmation link (EMAIL_CONFIRM_MAX_AGE)."""
    secret = current_app.config["SECRET_KEY"]
    return URLSafeTimedSerializer(secret, salt=CONFIRM_SALT).dumps(subscriber.id)


def unsubscribe_token(subscriber_id: int) -> str:
    """A signed token naming the subscriber, for the unsubscribe link in every issue; it does
    not expire, as an issue read months later must still unsubscribe."""
    secret = current_app.config["SECRET_KEY"]
    return URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).dumps(subscriber_id)


def subscriber_to_confirm(token: str) -> Subscriber:
    """The subscriber a confirmation token names, if it is genuine and fresh and the address
    has not unsubscribed since."""
    secret = current_app.config["SECRET_KEY"]
    try:
        subscriber_id = URLSafeTimedSerializer(secret, salt=CONFIRM_SALT).loads(
            token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"]
        )
    except SignatureExpired:
        raise NewsletterLinkExpired() from None
    except BadSignature:
        raise NewsletterLinkInvalid() from None
    subscriber = _named(subscriber_id)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        raise SubscriptionCancelled()
    return subscriber


def subscriber_to_unsubscribe(token: str) -> Subscriber:
    """The subscriber an unsubscribe token names, if it is genuine."""
    secret = current_app.config["SECRET_KEY"]
    try:
        subscriber_id = URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise NewsletterLinkInvalid() from None
    return _named(subscriber_id)


def _named(subscriber_id: Any) -> Subscriber:
    if type(subscriber_id) is not int or not 1 <= subscriber_id <= MAX_ID:
        raise NewsletterLinkInvalid()
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NewsletterLinkInvalid()
    return subscriber


def confirm(subscriber: Subscriber) -> bool:
    """Confirm the subscription; False if it already was."""
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        raise SubscriptionCancelled()
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return False
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = utcnow()
    db.session.commit()
    return True


def unsubscribe(subscriber: Subscriber) -> None:
    """End the subscription at once: no e-mail of any issue goes to it after this commit."""
    if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = utcnow()
        db.session.commit()


def subscription_export(email: str) -> dict[str, Any] | None:
    """The newsletter subscription of an address, for its owner's data export."""
    subscriber = _subscriber_by_email(normalise_email(email))
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "locale": subscriber.locale,
        "status": subscriber.status.value,
        **{
            name: moment.isoformat() if (moment := getattr(subscriber, name)) else None
            for name in ("created_at", "confirmed_at", "unsubscribed_at")
        },
    }
