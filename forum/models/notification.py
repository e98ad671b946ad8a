"""What a reader is told in the forum, and the articles and threads they follow."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .article import Article
from .base import Base, str_enum, utcnow
from .thread import Post, Thread


class NotificationKind(enum.StrEnum):
    REPLY = "reply"  # someone answered the reader's contribution, or their reply
    AUTHOR_REPLY = "author_reply"  # the article's author did
    NEW_POSTS = "new_posts"  # new contributions where they follow: one entry a thread
    FEATURED = "featured"  # the reader's post is an editor's pick
    HIDDEN = "hidden"
    HELD = "held"
    APPROVED = "approved"
    REJECTED = "rejected"


class EmailKind(enum.StrEnum):
    """What a reader chooses e-mail for: the kinds of notification, the moderators' four
    outcomes as one."""

    AUTHOR_REPLY = "author_reply"
    REPLY = "reply"
    NEW_POSTS = "new_posts"
    FEATURED = "featured"
    MODERATION = "moderation"


EMAIL_KINDS = {
    NotificationKind.AUTHOR_REPLY: EmailKind.AUTHOR_REPLY,
    NotificationKind.REPLY: EmailKind.REPLY,
    NotificationKind.NEW_POSTS: EmailKind.NEW_POSTS,
    NotificationKind.FEATURED: EmailKind.FEATURED,
    NotificationKind.HIDDEN: EmailKind.MODERATION,
    NotificationKind.HELD: EmailKind.MODERATION,
    NotificationKind.APPROVED: EmailKind.MODERATION,
    NotificationKind.REJECTED: EmailKind.MODERATION,
}


class EmailMode(enum.StrEnum):
    OFF = "off"
    INSTANT = "instant"  # a few minutes after (NOTIFY_EMAIL_DELAY), several in one e-mail
    DAILY = "daily"  # in the day's digest (NOTIFY_DIGEST_HOUR)


# SQL for the entry that accumulates and for an unread one, the values written out: a query
# uses the partial index on them only if its own condition says the same.
NEW_POSTS = f"kind = '{NotificationKind.NEW_POSTS.value}'"
UNREAD = "read_at IS NULL"
# Unread and not yet in an e-mail: what the e-mail jobs look through every minute.
WAITING = "read_at IS NULL AND emailed_at IS NULL"


class Notification(Base):
    """One thing a reader is told, about one post (for NEW_POSTS: the first one they have
    not read of a thread's new contributions; the entry counts the rest)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The reader's list, newest first.
        Index("ix_notifications_user_id_updated_at", "user_id", "updated_at"),
        # The reader's unread ones, counted and marked read.
        Index(
            "ix_notifications_user_id_unread",
            "user_id",
            sqlite_where=text(UNREAD),
            postgresql_where=text(UNREAD),
        ),
        # What the e-mail jobs look for, by reader.
        Index(
            "ix_notifications_user_id_waiting",
            "user_id",
            "updated_at",
            sqlite_where=text(WAITING),
            postgresql_where=text(WAITING),
        ),
        # Whom a post that leaves the list was told of (and the posts' deletes cascading).
        Index("ix_notifications_post_id", "post_id"),
        # One accumulating entry per reader and thread, found by the fan-out per follower.
        Index(
            "uq_notifications_thread_id_user_id_new_posts",
            "thread_id",
            "user_id",
            unique=True,
            sqlite_where=text(NEW_POSTS),
            postgresql_where=text(NEW_POSTS),
        ),
        # Ids are in the forms that open them: SQLite must not hand a deleted one's out again.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind))
    # None once the post is deleted: the entry then shows only if it counts a thread's new
    # contributions, which it counts from the thread, not from this post.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    # The post's thread, copied: the list groups by it, and NEW_POSTS is one entry per thread.
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    # A hidden or rejected post's reason (a Reason value) and note, as the moderator gave them.
    reason: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When there was last something new in it (a new contribution in the thread): the order.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When it went out in an e-mail, or was let go of (its reader wants none for its kind, or
    # it no longer showed): never e-mailed twice.
    emailed_at: Mapped[datetime | None]

    post: Mapped[Post | None] = relationship()
    thread: Mapped[Thread] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind.value} for user {self.user_id}>"


class Follow(Base):
    """A reader follows an article or a thread (one of the two), or has muted a thread: then
    nothing from it reaches them, even while they follow its article."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("(article_id IS NULL) <> (thread_id IS NULL)", name="one_target"),
        # The followers of an article or a thread (the fan-out), one row per reader.
        Index("uq_follows_article_id_user_id", "article_id", "user_id", unique=True),
        Index("uq_follows_thread_id_user_id", "thread_id", "user_id", unique=True),
        # What a reader follows (/account/notifications, the export, deleting the account).
        Index("ix_follows_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article | None] = relationship()
    thread: Mapped[Thread | None] = relationship()


class EmailChoice(Base):
    """A reader's choice of e-mail for a kind of notification, where it is not the default
    (services/notification_mail.py DEFAULTS)."""

    __tablename__ = "email_choices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[EmailKind] = mapped_column(str_enum(EmailKind), primary_key=True)
    mode: Mapped[EmailMode] = mapped_column(str_enum(EmailMode))
