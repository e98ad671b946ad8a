"""The author's desk: their articles, and the strongest challenges they have not answered."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import NotAllowed
from ..extensions import db
from ..models import Action, Article, Post, Stance, User, utcnow
from .audit import record

CHALLENGES = (Stance.DISAGREE, Stance.EXAMPLE)


def articles_of(author: User) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .where(Article.author_id == author.id)
            .order_by(Article.updated_at.desc())
        )
    )


def _open(author: User, article: Article | None) -> ColumnElement[bool]:
    """Disagreements and examples under the author's articles (or one of them) that the author
    has neither answered nor passed over."""
    return and_(
        Article.author_id == author.id,
        *([Article.id == article.id] if article is not None else []),
        Post.stance.in_(CHALLENGES),
        Post.answered_by_author.is_(False),
        Post.desk_passed_at.is_(None),
        Post.author_id != author.id,
        Post.listed(),
    )


def open_challenges(author: User, article: Article | None = None, limit: int = 30) -> list[Post]:
    """The open challenges, best first."""
    return list(
        db.session.scalars(
            select(Post)
            .join(Article, Article.id == Post.article_id)
            .where(_open(author, article))
            .options(joinedload(Post.author), selectinload(Post.thread))
            .order_by(Post.best.desc(), Post.created_at.desc())
            .limit(limit)
        )
    )


def count_open_challenges(author: User, article: Article | None = None) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Article, Article.id == Post.article_id)
        .where(_open(author, article))
    )


def pass_challenge(post: Post, author: User) -> None:
    """Take a challenge off the author's desk as not worth answering (on the audit log); the
    post itself is untouched."""
    if post.thread.article.author_id != author.id:
        raise NotAllowed(_l("Only the article's author can pass over its challenges."))
    if post.desk_passed_at is None:
        post.desk_passed_at = utcnow()
        record(author, Action.PASS_CHALLENGE, post=post)
    db.session.commit()
