"""Accounts and their roles."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String, Text
from sqlalchemy.engine import ExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..names import fold
from .base import Base, str_enum, utcnow

# NFKC unpacks a few ligatures into many letters: a display name is compared by the first
# this many letters of its folded form.
DISPLAY_NAME_FOLD_LENGTH = 160


def fold_display_name(display_name: str) -> str:
    """How a display name reads (forum/names.py), as users.display_name_fold keeps it."""
    return fold(display_name)[:DISPLAY_NAME_FOLD_LENGTH]


def _display_name_fold_default(context: ExecutionContext) -> str:
    # For rows written without the ORM: an import of an export made before the column.
    return fold_display_name(context.get_current_parameters().get("display_name") or "")


class Role(enum.StrEnum):
    READER = "reader"
    AUTHOR = "author"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "users"
    # Ids are in login cookies and links sent by e-mail: SQLite must not hand one out again.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # The lower-cased username: names are unique without regard to case.
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    # How the name reads (forum/names.py): a new name may not read as a taken one.
    username_fold: Mapped[str] = mapped_column(String(30), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.READER)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    # How the display name reads: no one may take a name that reads as another's.
    display_name_fold: Mapped[str] = mapped_column(
        String(DISPLAY_NAME_FOLD_LENGTH), default=_display_name_fold_default, index=True
    )
    bio: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_until: Mapped[datetime | None]
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the user was suspended or banned, shown to them.
    sanction_reason: Mapped[str] = mapped_column(Text, default="")
    email_confirmed_at: Mapped[datetime | None]
    # An address the user asked to move to: `email` stays theirs until its link is followed.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # A deleted account keeps its row only to reserve the name; everything personal is gone.
    deleted_at: Mapped[datetime | None]
    # Notifications not yet read that the user may see, kept with the rows by
    # services/notifications.py: the bell in the header costs no query.
    unread_notifications: Mapped[int] = mapped_column(default=0)
    # Moves whenever what the user follows changes: the follow buttons on pages shared
    # between readers are kept per reader under it (pagecache/shared.py).
    follow_version: Mapped[int] = mapped_column(default=0)
    # Posting in a thread follows it.
    follow_threads_posted_in: Mapped[bool] = mapped_column(Boolean, default=True)
    # How the reader's votes lean (ranking.vote_lean, summed) and how many they have cast: their
    # camp (ranking.camp). Nobody else sees it; it is in their data export.
    lean: Mapped[int] = mapped_column(default=0)
    votes_cast: Mapped[int] = mapped_column(default=0)

    @validates("username")
    def _keep_key(self, _key: str, username: str) -> str:
        self.username_key = username.lower()
        self.username_fold = fold(username)
        return username

    @validates("display_name")
    def _keep_display_fold(self, _key: str, display_name: str) -> str:
        self.display_name_fold = fold_display_name(display_name)
        return display_name

    @validates("email", "pending_email")
    def _normalise_email(self, _key: str, email: str | None) -> str | None:
        # Addresses are unique without regard to case, so they are stored lower-cased.
        return None if email is None else email.strip().lower()

    @property
    def name(self) -> str:
        """What the site calls this user: the display name, else the username."""
        return self.display_name or self.username

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"
