"""Login sessions: one row per logged-in browser, so a logout can end it on the server."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

USER_AGENT_LENGTH = 200


class LoginSession(Base):
    __tablename__ = "login_sessions"
    # Ids are in the forms that end a session, and rows come and go: SQLite must not hand
    # an ended session's id out again.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the random key in the browser's cookies: a copy of this table logs no one in.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set at login and by writes (at most every few minutes), never by reading a page.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_LENGTH), default="")
    # Whether "keep me logged in" was ticked (a remember cookie carries this session).
    remember: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}>"
