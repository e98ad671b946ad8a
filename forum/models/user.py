"""Accounts and their roles."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..names import fold
from .base import Base, str_enum, utcnow


class Role(enum.StrEnum):
    READER = "reader"
    AUTHOR = "author"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "users"

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
    bio: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_until: Mapped[datetime | None]
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the user was suspended or banned, shown to them.
    sanction_reason: Mapped[str] = mapped_column(Text, default="")
    email_confirmed_at: Mapped[datetime | None]
    # A deleted account keeps its row only to reserve the name; everything personal is gone.
    deleted_at: Mapped[datetime | None]

    @validates("username")
    def _keep_key(self, _key: str, username: str) -> str:
        self.username_key = username.lower()
        self.username_fold = fold(username)
        return username

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        # Addresses are unique without regard to case, so they are stored lower-cased.
        return email.strip().lower()

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
