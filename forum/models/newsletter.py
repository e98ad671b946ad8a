"""The newsletter: subscribed addresses, the weekly issues and each issue's deliveries."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum, utcnow


class SubscriberStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the address's owner to follow the confirmation link
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


class Subscriber(Base):
    """An address that asked for the newsletter, with or without an account behind it."""

    __tablename__ = "newsletter_subscribers"
    # Ids are in signed links (confirm, unsubscribe): SQLite must not hand one out again.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-cased: one subscription per address.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The language it was asked for in: the issues come in it.
    locale: Mapped[str] = mapped_column(String(8))
    status: Mapped[SubscriberStatus] = mapped_column(
        str_enum(SubscriberStatus), default=SubscriberStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a confirmation (or "already subscribed") e-mail last went to the address: asking
    # again sends another only after NEWSLETTER_RESEND_INTERVAL.
    mailed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Subscriber {self.id} {self.status.value}>"


class NewsletterIssue(Base):
    """One week's newsletter; `number` is None for a week with nothing to tell (not sent)."""

    __tablename__ = "newsletter_issues"
    __table_args__ = (
        # One issue per ISO week, however many senders race to make it.
        UniqueConstraint("year", "week"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]  # ISO year and week
    week: Mapped[int]
    number: Mapped[int | None] = mapped_column(unique=True)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    # What it tells, by id (services/newsletter.py: plan_issue), shown as the posts stand now.
    contents: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the last of its e-mails was handed to the mail server.
    completed_at: Mapped[datetime | None]
    # The sender that holds the issue until lease_until; another takes over only after it,
    # so two senders never mail the same subscriber, and a killed one is followed.
    sender: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]

    @property
    def empty(self) -> bool:
        return self.number is None

    def __repr__(self) -> str:
        return f"<NewsletterIssue {self.number} {self.year}-W{self.week:02d}>"


class NewsletterDelivery(Base):
    """An issue's e-mail to one subscriber: `sent_at` is set once the mail server took it."""

    __tablename__ = "newsletter_deliveries"
    __table_args__ = (UniqueConstraint("issue_id", "subscriber_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issues.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_subscribers.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime | None]
    # The mail server refused the address for good: not tried again.
    refused: Mapped[bool] = mapped_column(Boolean, default=False)
