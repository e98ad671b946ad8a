"""Debate summaries: counts, the strongest cases on each side, and the author's answers."""

from collections import Counter
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Article, Post, PostStatus, Stance, Thread
from ..models.base import DebateFigures
from ..permissions import text_visible_to

TOP_DISAGREEMENTS = 5
BEST_EXAMPLES = 3


@dataclass(frozen=True)
class Summary:
    agree: int
    disagree: int
    example: int
    strongest_agreement: Post | None
    strongest_disagreement: Post | None
    best_examples: list[Post]
    answered: int
    top_disagreements: int

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.example


def thread_summary(thread: Thread) -> Summary:
    return _summary(thread, Post.thread_id == thread.id)


def article_summary(article: Article) -> Summary:
    return _summary(article, Post.article_id == article.id)


def _summary(figures: DebateFigures, scope) -> Summary:
    """Three indexed queries, whatever the size of the debate."""
    agreements = _best(scope, Stance.AGREE, 1)
    disagreements = _best(scope, Stance.DISAGREE, TOP_DISAGREEMENTS)
    return Summary(
        agree=figures.agree_count,
        disagree=figures.disagree_count,
        example=figures.example_count,
        strongest_agreement=agreements[0] if agreements else None,
        strongest_disagreement=disagreements[0] if disagreements else None,
        best_examples=_best(scope, Stance.EXAMPLE, BEST_EXAMPLES),
        answered=sum(post.answered_by_author for post in disagreements),
        top_disagreements=len(disagreements),
    )


def _best(scope, stance: Stance, limit: int) -> list[Post]:
    """The stance's best by the cross-camp score, of those with SUMMARY_MIN_VOTES votes (a
    post nobody voted on is nobody's strongest).

    Not "and a positive score": where readers vote by side, the best case of the smaller side
    is voted down by the larger one, and a floor on the score hides it, which is what the
    cross-camp score is for. In bench/debate_quality.py the floor took precision@3 from 0.72
    to 0.51, and with a coordinated group from 0.71 to 0.37 (bench/README.md)."""
    supported = Post.up + Post.down >= current_app.config["SUMMARY_MIN_VOTES"]
    return list(
        db.session.scalars(
            select(Post)
            .where(scope, Post.stance == stance, Post.listed(), supported)
            .options(joinedload(Post.author), joinedload(Post.thread, innerjoin=True))
            .order_by(Post.grain.desc(), Post.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class ModerationTally:
    """How many posts under an article moderators hid or rejected, without their content."""

    hidden: int
    rejected: int
    by_stance: dict[str, int]
    by_reason: dict[str, int]

    @property
    def total(self) -> int:
        return self.hidden + self.rejected


def moderation_tally(article: Article) -> ModerationTally:
    """One grouped query over the article's hidden and rejected posts."""
    rows = db.session.execute(
        select(Post.stance, Post.moderation_reason, Post.hidden, func.count())
        .where(
            Post.article_id == article.id,
            or_(Post.hidden.is_(True), Post.status == PostStatus.REJECTED),
        )
        .group_by(Post.stance, Post.moderation_reason, Post.hidden)
    ).all()
    by_stance: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    hidden = rejected = 0
    for stance, reason, is_hidden, count in rows:
        by_stance[stance or "reply"] += count
        by_reason[reason or "other"] += count
        if is_hidden:
            hidden += count
        else:
            rejected += count
    return ModerationTally(hidden, rejected, dict(by_stance), dict(by_reason))


def featured_posts(article: Article) -> list[Post]:
    """The editor's picks under an article whose text every reader sees, best first."""
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.article_id == article.id, Post.featured.is_(True), text_visible_to(None))
            .options(joinedload(Post.author), selectinload(Post.thread))
            .order_by(Post.best.desc())
            .limit(10)
        )
    )
