"""Threads under an article, the posts in them and the posts' earlier versions."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlalchemy import Boolean, ForeignKey, Index, String, Text, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .article import Article
from .base import Base, DebateFigures, SafeHTML, str_enum, utcnow
from .user import User


class Stance(enum.StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    EXAMPLE = "example"


class Channel(enum.StrEnum):
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    X = "x"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    BLOG = "blog"
    NEWSLETTER = "newsletter"
    EVENT = "event"
    OTHER = "other"


class Effect(enum.StrEnum):
    SUPPORTS = "supports"
    CHALLENGES = "challenges"


class PostStatus(enum.StrEnum):
    """Whether a post was let through: held posts wait for a moderator."""

    PUBLISHED = "published"
    HELD = "held"
    REJECTED = "rejected"


# SQL for a post held or rejected, the value written out: a query uses the partial index on
# it only if the query's own condition says the same (Post.unpublished).
UNPUBLISHED = f"status != '{PostStatus.PUBLISHED.value}'"


class ThreadOrigin(enum.StrEnum):
    QUESTION = "question"
    READER = "reader"


class Thread(DebateFigures, Base):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[ThreadOrigin] = mapped_column(
        str_enum(ThreadOrigin), default=ThreadOrigin.READER
    )
    position: Mapped[int] = mapped_column(default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the article's author withdrew it (took its question off the article): it stays
    # readable at its address, but is no longer listed and takes no new posts.
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_threads_article_id_position", "article_id", "position"),
        # Ids are in the threads' URLs: SQLite must not hand a deleted thread's out again.
        {"sqlite_autoincrement": True},
    )

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class Post(Base):
    """A contribution (stance set, no parent) or a reply (parent set, no stance)."""

    __tablename__ = "posts"

    # How long its author can take a deletion back (services/deleting.py).
    UNDO_WINDOW = timedelta(minutes=10)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    # Copied from the thread so article-wide lists (summary, author's desk) use one index.
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    stance: Mapped[Stance | None] = mapped_column(str_enum(Stance))
    organisation: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    source_url: Mapped[str | None] = mapped_column(String(500))
    effect: Mapped[Effect | None] = mapped_column(str_enum(Effect))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[Markup] = mapped_column(SafeHTML, default=Markup)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # The reply this reply answers, when it answers one (it still sits under the contribution:
    # parent_id); the id only, as a reply answered may be deleted.
    reply_to_id: Mapped[int | None]
    # When the article's author marked it not worth answering: off their desk, nothing else.
    desk_passed_at: Mapped[datetime | None]
    reply_count: Mapped[int] = mapped_column(default=0)
    # Votes, and the rankings computed from them in the same transaction as each vote.
    up: Mapped[int] = mapped_column(default=0)
    down: Mapped[int] = mapped_column(default=0)
    score: Mapped[int] = mapped_column(default=0)
    best: Mapped[float] = mapped_column(default=0.0)
    controversy: Mapped[float] = mapped_column(default=0.0)
    # The votes of each camp (ranking.camp; a voter of no camp counts only above) and the
    # cross-camp score they give (ranking.grain), which the summary and balanced view rank by.
    up_a: Mapped[int] = mapped_column(default=0)
    down_a: Mapped[int] = mapped_column(default=0)
    up_b: Mapped[int] = mapped_column(default=0)
    down_b: Mapped[int] = mapped_column(default=0)
    grain: Mapped[float] = mapped_column(default=0.0)
    answered_by_author: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[PostStatus] = mapped_column(str_enum(PostStatus), default=PostStatus.PUBLISHED)
    # A rejected or hidden post keeps its moderator's reason (a Reason value) and note.
    moderation_reason: Mapped[str | None] = mapped_column(String(16))
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship()
    parent: Mapped[Post | None] = relationship(remote_side=[id])
    reply_to: Mapped[Post | None] = relationship(
        primaryjoin="foreign(Post.reply_to_id) == remote(Post.id)", viewonly=True
    )
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post",
        order_by="PostRevision.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    # One index per way a thread is sorted, so no sort reads the whole thread; the stance
    # indexes serve the filter and the debate summaries.
    __table_args__ = (
        # A thread's contributions in each of its orders (services/listings.py SORTS), to the
        # last, unique column: a page is read from the index in order, and the count of those
        # ahead of a post (its page number) is one range of it.
        *(
            Index(f"ix_posts_thread_order_{key}", "thread_id", "parent_id", *columns, "id")
            for key, columns in (
                ("created_at", ("created_at",)),
                ("best", ("best", "created_at")),
                ("score", ("score", "created_at")),
                ("controversy", ("controversy", "created_at")),
            )
        ),
        # The few posts not (yet) published, with all a count of those ahead of a post needs
        # (services/listings.py permalink_page): the posts a reader may not see are among them.
        Index(
            "ix_posts_thread_unpublished",
            "thread_id",
            "parent_id",
            "status",
            "author_id",
            "best",
            "score",
            "controversy",
            "created_at",
            sqlite_where=text(UNPUBLISHED),
            postgresql_where=text(UNPUBLISHED),
        ),
        Index("ix_posts_thread_id_stance_grain", "thread_id", "stance", "grain"),
        # Each stance's newest, which the balanced view always draws among (services/balanced.py):
        # without it, a stance's newest are found past every newer post of the other stances.
        Index("ix_posts_thread_id_stance_created_at", "thread_id", "stance", "created_at"),
        Index("ix_posts_article_id_stance_grain", "article_id", "stance", "grain"),
        Index("ix_posts_parent_id_created_at", "parent_id", "created_at"),
        # An author's posts, newest last: the look for a repeat of a new post reads only the
        # author's last few minutes (at most a rate limit's worth of rows).
        Index("ix_posts_author_id_created_at", "author_id", "created_at"),
        # The few deleted posts, for the sweep that purges them once their undo runs out.
        Index(
            "ix_posts_deleted_at",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
        # Ids are in permalinks, feeds and flags: SQLite would give the number of a deleted
        # newest post to the next one.
        {"sqlite_autoincrement": True},
    )

    @validates("thread")
    def _copy_article(self, _key: str, thread: Thread) -> Thread:
        self.article_id = thread.article_id
        return thread

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def contribution(self) -> Post:
        """The contribution this post is, or answers (replies sit one level deep)."""
        return self.parent or self

    @property
    def answers(self) -> Post | None:
        """The reply this reply answers, while everyone sees it and its author has an account."""
        if self.reply_to_id is None:  # most posts: no trip through the relationship's loader
            return None
        answered = self.reply_to
        if answered is None or not answered.is_listed or answered.author is None:
            return None
        return answered

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def undo_deadline(self) -> datetime | None:
        """Until when its author can take the post's deletion back."""
        return None if self.deleted_at is None else self.deleted_at + self.UNDO_WINDOW

    @property
    def is_listed(self) -> bool:
        """Shown to everyone and counted in the figures."""
        return self.status == PostStatus.PUBLISHED and not self.hidden and not self.is_deleted

    @classmethod
    def listed(cls):
        """SQL for is_listed."""
        return (
            (cls.status == PostStatus.PUBLISHED) & cls.hidden.is_(False) & cls.deleted_at.is_(None)
        )

    @classmethod
    def unpublished(cls):
        """SQL for a post held or rejected, as the partial index on it says it."""
        return cls.status != literal_column(f"'{PostStatus.PUBLISHED.value}'")

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id}>"


class PostRevision(Base):
    """A post as it was before one of its edits."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    stance: Mapped[Stance | None] = mapped_column(str_enum(Stance))
    organisation: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    source_url: Mapped[str | None] = mapped_column(String(500))
    effect: Mapped[Effect | None] = mapped_column(str_enum(Effect))
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")
