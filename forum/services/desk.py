"""The author's desk: their articles, and the strongest challenges they have not answered."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Article, Post, Stance, User

CHALLENGES = (Stance.DISAGREE, Stance.EXAMPLE)


def articles_of(author: User) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .where(Article.author_id == author.id)
            .order_by(Article.updated_at.desc())
        )
    )


def open_challenges(author: User, limit: int = 30) -> list[Post]:
    """Disagreements and examples under the author's articles, unanswered, best first."""
    return list(
        db.session.scalars(
            select(Post)
            .join(Article, Article.id == Post.article_id)
            .where(
                Article.author_id == author.id,
                Post.stance.in_(CHALLENGES),
                Post.answered_by_author.is_(False),
                Post.author_id != author.id,
                Post.listed(),
            )
            .options(joinedload(Post.author), selectinload(Post.thread))
            .order_by(Post.best.desc(), Post.created_at.desc())
            .limit(limit)
        )
    )
