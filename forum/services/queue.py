"""Read-only queries for the moderators: the queue's sections and the audit log."""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..errors import ForumError
from ..extensions import db
from ..models import (
    Action,
    Article,
    AuditEntry,
    Flag,
    FlagStatus,
    Post,
    PostStatus,
    Reason,
    User,
)
from .accounts import find_user_by_name
from .screening import highlight, matching_words, screened_text
from .settings import load_settings

SECTION_LIMIT = 50


@dataclass
class FlaggedPost:
    post: Post
    flags: list[Flag] = field(default_factory=list)

    @property
    def reason(self) -> Reason | None:
        """The reason most of its flags give; of equals, the one flagged first."""
        counts = Counter(flag.reason for flag in self.flags)
        return counts.most_common(1)[0][0] if counts else None


@dataclass(frozen=True)
class HeldPost:
    """A post waiting for approval, with the watched words in it marked in its text."""

    post: Post
    words: list[str]
    body: Markup


@dataclass(frozen=True)
class ArticleItems:
    article: Article
    open_flags: int
    held_posts: int

    @property
    def total(self) -> int:
        return self.open_flags + self.held_posts


@dataclass(frozen=True)
class LogFilter:
    moderator: User | None = None
    action: Action | None = None
    article: Article | None = None

    def args(self) -> dict[str, str]:
        """The filter as the query arguments that produce it."""
        values = {
            "moderator": self.moderator.username if self.moderator else "",
            "action": self.action.value if self.action else "",
            "article": self.article.slug if self.article else "",
        }
        return {key: value for key, value in values.items() if value}


def _with_context(query: Select) -> Select:
    return query.options(joinedload(Post.author), joinedload(Post.thread, innerjoin=True))


def flagged_posts(limit: int = SECTION_LIMIT) -> list[FlaggedPost]:
    """Posts with open flags, most open flags first, each with its open flags (two queries)."""
    counts = (
        select(
            Flag.post_id,
            func.count(Flag.id).label("open_flags"),
            func.min(Flag.created_at).label("first_flagged"),
        )
        .where(Flag.status == FlagStatus.OPEN)
        .group_by(Flag.post_id)
        .subquery()
    )
    posts = db.session.scalars(
        _with_context(select(Post).join(counts, counts.c.post_id == Post.id))
        .order_by(counts.c.open_flags.desc(), counts.c.first_flagged, Post.id)
        .limit(limit)
    ).all()
    items = {post.id: FlaggedPost(post) for post in posts}
    if items:
        for flag in db.session.scalars(
            select(Flag)
            .where(Flag.post_id.in_(items), Flag.status == FlagStatus.OPEN)
            .options(joinedload(Flag.user))
            .order_by(Flag.created_at, Flag.id)
        ):
            items[flag.post_id].flags.append(flag)
    return list(items.values())


def held_posts(limit: int = SECTION_LIMIT) -> list[HeldPost]:
    """Posts waiting for approval, oldest first, each with the watched words it contains."""
    posts = db.session.scalars(
        _with_context(select(Post))
        .where(Post.status == PostStatus.HELD, Post.deleted_at.is_(None))
        .order_by(Post.created_at, Post.id)
        .limit(limit)
    ).all()
    watched = load_settings().watched if posts else []
    items = []
    for post in posts:
        words = matching_words(watched, screened_text(post))
        items.append(HeldPost(post, words, highlight(post.body_html, words)))
    return items


def hidden_posts(limit: int = SECTION_LIMIT) -> list[Post]:
    """Hidden posts that could be restored, newest first."""
    return list(
        db.session.scalars(
            _with_context(select(Post))
            .where(Post.hidden.is_(True), Post.deleted_at.is_(None))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )


def open_flag_counts(posts: list[Post]) -> dict[int, int]:
    """How many open flags each of these posts has, in one query."""
    if not posts:
        return {}
    rows = db.session.execute(
        select(Flag.post_id, func.count(Flag.id))
        .where(Flag.post_id.in_([post.id for post in posts]), Flag.status == FlagStatus.OPEN)
        .group_by(Flag.post_id)
    )
    return {post_id: count for post_id, count in rows}


def busy_articles(limit: int = SECTION_LIMIT) -> list[ArticleItems]:
    """Articles with open items (open flags and held posts), the most first."""
    flags = (
        select(Post.article_id, literal(1).label("flag"), literal(0).label("held"))
        .join(Flag, Flag.post_id == Post.id)
        .where(Flag.status == FlagStatus.OPEN)
    )
    held = select(Post.article_id, literal(0), literal(1)).where(
        Post.status == PostStatus.HELD, Post.deleted_at.is_(None)
    )
    items = union_all(flags, held).subquery()
    totals = (
        select(
            items.c.article_id,
            func.sum(items.c.flag).label("open_flags"),
            func.sum(items.c.held).label("held_posts"),
        )
        .group_by(items.c.article_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Article, totals.c.open_flags, totals.c.held_posts)
        .join(totals, totals.c.article_id == Article.id)
        .order_by((totals.c.open_flags + totals.c.held_posts).desc(), Article.id)
        .limit(limit)
    )
    return [ArticleItems(article, int(flags), int(held)) for article, flags, held in rows]


def log_filter(moderator: str = "", action: str = "", article: str = "") -> LogFilter:
    """Resolve the log's filter arguments; an unknown value is a 400 naming its field."""
    return LogFilter(
        moderator=_filter_user(moderator) if moderator else None,
        action=_filter_action(action) if action else None,
        article=_filter_article(article) if article else None,
    )


def _filter_user(username: str) -> User:
    user = find_user_by_name(username)
    if user is None:
        raise ForumError(_l("There is no user with that name."), field="moderator")
    return user


def _filter_action(action: str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise ForumError(_l("There is no such action."), field="action") from None


def _filter_article(slug: str) -> Article:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise ForumError(_l("There is no article at that address."), field="article")
    return article


def logged_articles() -> list[Article]:
    """The articles the audit log has entries on, by title: the log's article filter."""
    logged = select(AuditEntry.id).where(AuditEntry.article_id == Article.id).exists()
    return list(
        db.session.scalars(select(Article).where(logged).order_by(Article.title, Article.id))
    )


def audit_page(chosen: LogFilter, page: int, per_page: int = 50) -> Pagination:
    """The audit log, newest first, narrowed by the filter."""
    query = select(AuditEntry)
    if chosen.moderator is not None:
        query = query.where(AuditEntry.actor_id == chosen.moderator.id)
    if chosen.action is not None:
        query = query.where(AuditEntry.action == chosen.action)
    if chosen.article is not None:
        query = query.where(AuditEntry.article_id == chosen.article.id)
    return db.paginate(
        query.options(
            joinedload(AuditEntry.actor),
            joinedload(AuditEntry.target_user),
            selectinload(AuditEntry.thread),
            selectinload(AuditEntry.article),
        ).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def entries_about(user: User, limit: int = 20) -> list[AuditEntry]:
    """The latest actions taken on a user or their posts."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_user_id == user.id)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def posts_by(user: User, limit: int = 20) -> list[Post]:
    """The user's latest posts, whatever their state: what a moderator weighs a sanction on."""
    return list(
        db.session.scalars(
            _with_context(select(Post).where(Post.author_id == user.id))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )


def flags_against(user: User, limit: int = 20) -> list[Flag]:
    """The latest flags on the user's posts, open ones first, with who flagged them."""
    return list(
        db.session.scalars(
            select(Flag)
            .join(Post, Flag.post_id == Post.id)
            .where(Post.author_id == user.id)
            .options(joinedload(Flag.user), joinedload(Flag.post))
            .order_by((Flag.status == FlagStatus.OPEN).desc(), Flag.created_at.desc())
            .limit(limit)
        )
    )


def open_flag_reasons(thread_id: int) -> dict[int, str]:
    """For each post in the thread with open flags, the reason most of them give (of equals,
    the one flagged first): where the Hide form on the thread's page starts."""
    counts: dict[int, Counter] = {}
    for post_id, reason in db.session.execute(
        select(Flag.post_id, Flag.reason)
        .join(Post, Flag.post_id == Post.id)
        .where(Post.thread_id == thread_id, Flag.status == FlagStatus.OPEN)
        .order_by(Flag.created_at, Flag.id)
    ):
        counts.setdefault(post_id, Counter())[reason] += 1
    return {post_id: found.most_common(1)[0][0].value for post_id, found in counts.items()}
