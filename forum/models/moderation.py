"""Flags from readers, the moderators' audit log and the site's moderation settings."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .article import Article
from .base import Base, str_enum, utcnow
from .thread import Post, Thread
from .user import User


class Reason(enum.StrEnum):
    """Why a post is flagged, hidden or rejected."""

    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    MISLEADING = "misleading"
    OTHER = "other"


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"


class Action(enum.StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    FEATURE = "feature"
    UNFEATURE = "unfeature"
    APPROVE = "approve"
    REJECT = "reject"
    DISMISS_FLAG = "dismiss_flag"
    PIN = "pin"
    UNPIN = "unpin"
    LOCK = "lock"
    UNLOCK = "unlock"
    CLOSE = "close"
    REOPEN = "reopen"
    SUSPEND = "suspend"
    BAN = "ban"
    UNBAN = "unban"
    CHANGE_ROLE = "change_role"
    CHANGE_SETTINGS = "change_settings"
    # An author's, on their desk: not worth answering (a "pass", not a password).
    PASS_CHALLENGE = "pass_challenge"  # nosec B105


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        # One open flag per user per post; closed flags are history and may repeat.
        Index(
            "uq_flags_post_id_user_id_open",
            "post_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_flags_status_post_id", "status", "post_id"),
        # A reader's own flags, for the pages that show them.
        Index("ix_flags_user_id", "user_id"),
        # Ids are in the moderators' forms; flags go with their post, and SQLite would give
        # a deleted newest flag's id to the next.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[Reason] = mapped_column(str_enum(Reason))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[FlagStatus] = mapped_column(str_enum(FlagStatus), default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class AuditEntry(Base):
    """One moderator action: who did what to which object, when and why. Never changed."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[Action] = mapped_column(str_enum(Action), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    post: Mapped[Post | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    article: Mapped[Article | None] = relationship()


class Setting(Base):
    """A site-wide setting that moderators change while the site runs."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
