"""The read model: what each page lists for one reader, as plain frozen objects.

A template, the JSON API, the embed, search and the e-mail digest read the forum through these
functions, so the rule "who sees which post" is applied here once: every list, count and page
number of posts below filters with permissions.post_visible_to or text_visible_to, the SQL
twins of can_see_post and can_see_text. Nothing here reads the request: the reader (None for
a visitor) and the page number are arguments, so a listing is the same however it is delivered.

Each listing costs a fixed number of queries, whatever the number of posts.
"""

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from flask import current_app
from markupsafe import Markup
from sqlalchemy import ColumnElement, Select, bindparam, func, select, tuple_
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import operators

from ..errors import NotAllowed
from ..extensions import db
from ..models import (
    Article,
    ArticleStatus,
    Post,
    PostRevision,
    Stance,
    Thread,
    ThreadOrigin,
    User,
)
from ..permissions import (
    can_read_article,
    can_see_post,
    can_see_text,
    can_write_articles,
    post_visible_to,
    prepared_visibility,
    text_visible_to,
    visibility_sql,
)
from ..rendering import render_markdown
from . import balanced, summaries
from .summaries import ModerationTally, Summary

SORTS = {
    "best": (Post.best.desc(), Post.created_at.desc(), Post.id.desc()),
    "top": (Post.score.desc(), Post.created_at.desc(), Post.id.desc()),
    "new": (Post.created_at.desc(), Post.id.desc()),
    "old": (Post.created_at.asc(), Post.id.asc()),
    "controversial": (Post.controversy.desc(), Post.created_at.desc(), Post.id.desc()),
}
# The thread's default order, by stance and by draw (balanced.py); SORTS are plain SQL orders.
BALANCED = "balanced"
VIEWS = (BALANCED, *SORTS)
DEFAULT_SORT = BALANCED
FRONT_SORTS = {
    "new": (Article.published_at.desc(), Article.id.desc()),
    "active": (Article.hot.desc(), Article.id.desc()),
}
DEFAULT_FRONT_SORT = "new"
PROFILE_PER_PAGE = 20

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing. Its names are those of Flask-SQLAlchemy's Pagination, so the
    pagination macro reads either; `page` past the last page is an empty page."""

    items: tuple[T, ...]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self,
        *,
        left_edge: int = 2,
        left_current: int = 2,
        right_current: int = 4,
        right_edge: int = 2,
    ) -> Iterator[int | None]:
        """The page numbers a pagination widget links to, None where it skips some."""
        last = self.pages
        if last <= 1:
            return
        spans = [
            (1, min(left_edge, last)),
            (max(1, self.page - left_current), min(self.page + right_current, last)),
            (max(1, last - right_edge + 1), last),
        ]
        shown = 0  # the highest number yielded so far
        for start, end in sorted(span for span in spans if span[0] <= span[1]):
            if start > shown + 1:
                yield None
            yield from range(max(start, shown + 1), end + 1)
            shown = max(shown, end)


def _paged(query: Select, page: int, per_page: int) -> Page:
    """The page of `query` numbered `page`: two queries, its items and the count.

    The count is the query's own WHERE with count(*) for its columns, not a count over the
    query as a subquery, which has SQLite read every column of every row it counts.
    """
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique()
    counted = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    return Page(tuple(items), page, per_page, db.session.scalar(counted.options()) or 0)


def _readable(reader: User | None, article: Article) -> None:
    # The views' loaders answer 404 first; this keeps a draft out of any other caller's hands.
    if not can_read_article(reader, article):
        raise NotAllowed()


@dataclass(frozen=True)
class ThreadPage:
    """A page of a thread's contributions as one reader sees them, with their replies."""

    thread: Thread
    sort: str
    stance: str | None
    contributions: Page[Post]
    replies: dict[int, tuple[Post, ...]]  # for each contribution of the page, oldest first
    summary: Summary

    @property
    def article(self) -> Article:
        return self.thread.article

    @property
    def posts(self) -> tuple[Post, ...]:
        """Every post on the page: the contributions, then the replies."""
        return self.contributions.items + tuple(
            reply for replies in self.replies.values() for reply in replies
        )

    @property
    def authors(self) -> dict[int, int | None]:
        """Who wrote each post on the page (post id -> author id)."""
        return {post.id: post.author_id for post in self.posts}


def thread_page(
    thread: Thread, reader: User | None, *, sort: str, stance: str | None, page: int, per_page: int
) -> ThreadPage:
    """Six queries: the page of contributions, its count, their replies, three for the summary."""
    _readable(reader, thread.article)
    query = select(Post).where(
        Post.thread_id == thread.id, Post.parent_id.is_(None), post_visible_to(reader)
    )
    if stance is not None:
        query = query.where(Post.stance == Stance(stance))
    if sort == BALANCED:
        contributions = _balanced(query, thread, reader, stance, page, per_page)
    else:
        contributions = _paged(query.options(_BYLINE).order_by(*SORTS[sort]), page, per_page)
    return ThreadPage(
        thread=thread,
        sort=sort,
        stance=stance,
        contributions=contributions,
        replies=_replies_to(contributions.items, reader),
        summary=summaries.thread_summary(thread),
    )


def _balanced(
    query: Select,
    thread: Thread,
    reader: User | None,
    stance: str | None,
    page: int,
    per_page: int,
) -> Page[Post]:
    """A page of the balanced order: its ids (one query a stance), their posts, the count."""
    stances = [Stance(stance)] if stance is not None else list(Stance)
    ids = balanced.order(thread, reader, stances, page * per_page)[(page - 1) * per_page :]
    posts = {
        post.id: post
        for post in db.session.scalars(select(Post).where(Post.id.in_(ids)).options(_BYLINE))
    }
    counted = query.with_only_columns(func.count(), maintain_column_froms=True)
    items = tuple(posts[post_id] for post_id in ids if post_id in posts)
    return Page(items, page, per_page, db.session.scalar(counted) or 0)


# A thread's posts with what their bylines show of their authors, not the whole account.
_BYLINE = joinedload(Post.author).load_only(User.username, User.display_name, User.role)


def _replies_to(
    contributions: tuple[Post, ...], reader: User | None
) -> dict[int, tuple[Post, ...]]:
    """The replies the reader sees under these contributions, oldest first, in one query."""
    replies: dict[int, list[Post]] = {post.id: [] for post in contributions}
    if contributions:
        for reply in db.session.scalars(
            select(Post)
            .where(Post.parent_id.in_(list(replies)), post_visible_to(reader))
            .options(_BYLINE)
            .order_by(Post.created_at, Post.id)
        ):
            replies[reply.parent_id].append(reply)
    return {post_id: tuple(posts) for post_id, posts in replies.items()}


def permalink_page(post: Post, reader: User | None, per_page: int, sort: str = "old") -> int:
    """The page of the thread, in `sort` and unfiltered, that shows the post to the reader.

    One query, built once per sort and kind of reader: the contributions this reader sees
    ahead of the post's own in SORTS[sort]. Every new post's redirect asks it.
    """
    if not can_see_post(reader, post):
        raise NotAllowed()
    top = post.contribution
    if sort == BALANCED:
        total = top.thread.agree_count + top.thread.disagree_count + top.thread.example_count
        place = balanced.position(top.thread, reader, top.id, total)
        return 1 if place is None else place // per_page + 1
    kind, params = prepared_visibility(reader)
    params |= {f"ahead_{term.element.key}": getattr(top, term.element.key) for term in SORTS[sort]}
    earlier = db.session.scalar(_count_ahead(sort, kind), params | {"thread_id": top.thread_id})
    return earlier // per_page + 1


@functools.cache
def _count_ahead(sort: str, kind: str) -> Select:
    """SQL for permalink_page; its values are the parameters ahead_<column> and thread_id.

    Every contribution ahead, from the order's index alone, less those ahead that this kind of
    reader may not see: a contribution someone may not see is never a published one
    (permissions.py), so those few are counted from the index of the unpublished posts.
    """
    ahead = (
        Post.thread_id == bindparam("thread_id"),
        Post.parent_id.is_(None),
        _ahead_of(SORTS[sort]),
    )
    every = select(func.count()).where(*ahead)
    if kind == "staff":
        return every
    unseen = select(func.count()).where(
        *ahead, Post.unpublished(), visibility_sql(kind).is_not(True)
    )
    return select(every.scalar_subquery() - unseen.scalar_subquery())


def _ahead_of(order: tuple) -> ColumnElement[bool]:
    """Rows that `order` puts ahead of the row whose values are the parameters ahead_<column>:
    one row-value comparison, which the thread's index in that order (models/thread.py)
    answers with one range. Every order runs one way, its last column unique."""
    columns = [term.element for term in order]
    values = [bindparam(f"ahead_{column.key}", type_=column.type) for column in columns]
    descending = {term.modifier is operators.desc_op for term in order}
    if len(descending) != 1:
        raise ValueError("a row value compares every column one way")
    if descending.pop():
        return tuple_(*columns) > tuple_(*values)
    return tuple_(*columns) < tuple_(*values)


@dataclass(frozen=True)
class Version:
    """A post as it read from `written_at` until `replaced_at` (None: as it reads now)."""

    body_html: Markup
    stance: str | None
    organisation: str | None
    channel: str | None
    source_url: str | None
    effect: str | None
    written_at: datetime
    replaced_at: datetime | None


def post_history(post: Post, reader: User | None) -> tuple[Version, ...] | None:
    """The post's versions, newest first, to a reader who may read its text; None otherwise."""
    if not can_see_text(reader, post):
        return None
    now = Version(
        post.body_html,
        post.stance,
        post.organisation,
        post.channel,
        post.source_url,
        post.effect,
        post.edited_at or post.created_at,
        None,
    )
    earlier = db.session.scalars(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
    )
    return (
        now,
        *(
            Version(
                render_markdown(revision.body),
                revision.stance,
                revision.organisation,
                revision.channel,
                revision.source_url,
                revision.effect,
                revision.written_at,
                revision.replaced_at,
            )
            for revision in earlier
        ),
    )


@dataclass(frozen=True)
class ArticlePage:
    """An article's page: its threads and, once it is published, the debate's summary."""

    article: Article
    threads: tuple[Thread, ...]  # pinned first, then the author's questions, in their order
    withdrawn: tuple[Thread, ...]  # withdrawn by the author: readable, no longer listed above
    summary: Summary | None
    featured: tuple[Post, ...]  # the editor's picks that every reader sees, best first
    moderated: ModerationTally | None


def article_page(article: Article, reader: User | None) -> ArticlePage:
    """One query for the threads; a published article's summary, picks and tally add six."""
    _readable(reader, article)
    threads = db.session.scalars(
        select(Thread)
        .where(Thread.article_id == article.id)
        .order_by(
            Thread.pinned.desc(),
            (Thread.origin == ThreadOrigin.QUESTION).desc(),
            Thread.position,
            Thread.last_activity_at.desc(),
            Thread.id,
        )
    ).all()
    published = article.is_published
    return ArticlePage(
        article=article,
        threads=tuple(thread for thread in threads if thread.retired_at is None),
        withdrawn=tuple(thread for thread in threads if thread.retired_at is not None),
        summary=summaries.article_summary(article) if published else None,
        featured=tuple(summaries.featured_posts(article)) if published else (),
        moderated=summaries.moderation_tally(article) if published else None,
    )


@dataclass(frozen=True)
class ArticleFeed:
    """An article's newest posts with text, newest first, as its Atom feed carries them."""

    article: Article
    posts: tuple[Post, ...]
    updated: datetime | None  # the newest post's time; the article's publication without one


def article_feed(article: Article, *, limit: int) -> ArticleFeed:
    """Two queries. A feed reader has no login, so a feed shows what a visitor sees."""
    _readable(None, article)
    posts = tuple(
        db.session.scalars(
            select(Post)
            .where(Post.article_id == article.id, text_visible_to(None))
            .options(joinedload(Post.author), selectinload(Post.thread))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )
    return ArticleFeed(article, posts, posts[0].created_at if posts else article.published_at)


@dataclass(frozen=True)
class FrontPage:
    """A page of published articles; for an author, their drafts too."""

    sort: str
    articles: Page[Article]
    drafts: tuple[Article, ...]  # the reader's own, last saved first


def front_page(reader: User | None, *, sort: str, page: int) -> FrontPage:
    """Two queries for the articles and their count; a third for an author's drafts."""
    articles = _paged(
        select(Article)
        .where(Article.status == ArticleStatus.PUBLISHED)
        .order_by(*FRONT_SORTS[sort]),
        page,
        current_app.config["ARTICLES_PER_PAGE"],
    )
    drafts: tuple[Article, ...] = ()
    if reader is not None and can_write_articles(reader):
        drafts = tuple(
            db.session.scalars(
                select(Article)
                .where(Article.author_id == reader.id, Article.status == ArticleStatus.DRAFT)
                .order_by(Article.updated_at.desc())
            )
        )
    return FrontPage(sort=sort, articles=articles, drafts=drafts)


@dataclass(frozen=True)
class ProfilePage:
    """What a user's public profile lists: their published articles and their posts."""

    user: User
    posts: Page[Post]  # newest first
    articles: tuple[Article, ...]  # newest first


def profile_posts(user: User, *, page: int) -> ProfilePage:
    """Four queries. A profile is the same for every reader: it lists what a visitor sees."""
    posts = _paged(
        select(Post)
        .join(Post.thread)
        .join(Thread.article)
        .where(
            Post.author_id == user.id,
            text_visible_to(None),
            Article.status == ArticleStatus.PUBLISHED,
        )
        .options(selectinload(Post.thread))
        .order_by(Post.created_at.desc()),
        page,
        PROFILE_PER_PAGE,
    )
    articles = db.session.scalars(
        select(Article)
        .where(Article.author_id == user.id, Article.status == ArticleStatus.PUBLISHED)
        .order_by(Article.published_at.desc())
    ).all()
    return ProfilePage(user=user, posts=posts, articles=tuple(articles))
