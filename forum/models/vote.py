"""Votes: one per user per post, up (+1) or down (-1)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        # The rule "one vote per user per post" lives in the database, not only in Python.
        UniqueConstraint("post_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value_is_up_or_down"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    # The voter's camp when they cast it ("a", "b" or none) and how it moved their lean: taking
    # the vote back or changing it moves the counts it was counted in, not today's.
    camp: Mapped[str | None] = mapped_column(String(1))
    lean: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
