"""Loading the demo content through the services, then dating it over the last two weeks."""

from datetime import datetime, timedelta
from random import Random
from typing import Any

from sqlalchemy import select

from .. import changes
from ..demo import (
    ARTICLES,
    AUTHOR,
    AUTHOR_PROFILE,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    MODERATOR,
    USERS,
)
from ..extensions import db
from ..models import Article, Post, Thread, ThreadOrigin, User, utcnow
from .accounts import find_user_by_name, register
from .articles import ArticleDraft, create_article
from .figures import recount_all
from .moderation import flag_post, hide_post, set_featured
from .posts import Contribution, add_contribution, add_reply, propose_thread
from .votes import cast_vote


def seed_demo() -> bool:
    """Load the demo content and return True; return False, changing nothing, if it is there."""
    if find_user_by_name(AUTHOR) is not None:
        return False
    users = _create_users()
    articles = [_create_article(spec, users) for spec in ARTICLES]
    _cast_votes(users)
    _moderate(users)
    _backdate(articles, users)
    recount_all()
    return True


def _moderate(users: dict[str, User]) -> None:
    """The moderator's marks: an editor's pick per article, one hidden post and a flag."""
    moderator = users[MODERATOR]
    contributions = db.session.scalars(
        select(Post).where(Post.parent_id.is_(None)).order_by(Post.best.desc())
    ).all()
    for article_id in sorted({post.article_id for post in contributions}):
        pick = next(post for post in contributions if post.article_id == article_id)
        set_featured(pick, moderator, True)
    weakest = contributions[-1]
    reader = next(user for user in users.values() if user.id != weakest.author_id)
    flag_post(weakest, reader, "off_topic", "Handler ikke om spørgsmålet.")
    hide_post(contributions[-2], moderator, "off_topic", "")


def _cast_votes(users: dict[str, User]) -> None:
    """Readers vote on each other's posts: a fixed, lopsided pattern so rankings differ."""
    # A fixed, repeatable demo, not security.
    chooser = Random(2026)  # nosec B311
    voters = [user for name, user in users.items() if name != AUTHOR]
    for post in db.session.scalars(select(Post).order_by(Post.id)).all():
        appeal = chooser.random()
        for voter in chooser.sample(voters, k=chooser.randint(0, len(voters) - 2)):
            if voter.id != post.author_id:
                cast_vote(post, voter, 1 if chooser.random() < 0.35 + appeal * 0.6 else -1)


def _create_users() -> dict[str, User]:
    """Register every demo account and fill in the author's public profile."""
    users = {
        name: register(
            name, f"{name}@{DEMO_EMAIL_DOMAIN}", DEMO_PASSWORD, role=role, locale=locale
        )
        for name, role, locale in USERS
    }
    for user in users.values():
        user.email_confirmed_at = utcnow()  # demo addresses cannot receive mail
    author = users[AUTHOR]
    author.display_name = AUTHOR_PROFILE["display_name"]
    author.bio = AUTHOR_PROFILE["bio"]
    author.links = AUTHOR_PROFILE["links"]
    return users


def _create_article(spec: dict[str, Any], users: dict[str, User]) -> Article:
    """Publish one article, then fill its question threads and any reader-proposed threads."""
    draft = ArticleDraft(
        title=spec["title"],
        lede=spec["lede"],
        body=spec["body"],
        questions="\n".join(spec["questions"]),
        language=spec["language"],
        tags=", ".join(spec["tags"]),
    )
    article = create_article(users[AUTHOR], draft, publish=True)
    for thread, debate in zip(_question_threads(article), spec["debate"], strict=True):
        _add_debate(thread, debate, users)
    for proposal in spec["proposed"]:
        user = users[proposal["by"]]
        thread = propose_thread(article, user, proposal["title"], proposal["description"])
        _add_debate(thread, proposal["debate"], users)
    return article


def _add_debate(thread: Thread, debate: list[dict[str, Any]], users: dict[str, User]) -> None:
    """Post each contribution in the thread, each followed by its replies."""
    for item in debate:
        contribution = Contribution(
            stance=item["stance"],
            body=item["body"],
            organisation=item.get("organisation", ""),
            channel=item.get("channel", ""),
            source_url=item.get("source_url", ""),
            effect=item.get("effect", ""),
        )
        post = add_contribution(thread, users[item["by"]], contribution)
        for username, body in item.get("replies", []):
            add_reply(post, users[username], body)


def _question_threads(article: Article) -> list[Thread]:
    """The threads publishing opened for the article's debate questions, in their order."""
    return list(
        db.session.scalars(
            select(Thread)
            .where(Thread.article_id == article.id, Thread.origin == ThreadOrigin.QUESTION)
            .order_by(Thread.position)
        )
    )


def _backdate(articles: list[Article], users: dict[str, User]) -> None:
    """Spread everything over the last two weeks, in the order it was written; one commit."""
    now = utcnow()
    for age, user in enumerate(reversed(users.values())):
        user.created_at = now - timedelta(days=30, hours=age * 7)
    for article, spec in zip(articles, ARTICLES, strict=True):
        published = now - timedelta(days=spec["published_days_ago"])
        article.created_at = published - timedelta(days=2)
        article.published_at = article.updated_at = published
        threads = db.session.scalars(select(Thread).where(Thread.article_id == article.id))
        article.last_activity_at = max(
            _backdate_thread(thread, published, now) for thread in threads
        )
    changes.everything()
    db.session.commit()


def _backdate_thread(thread: Thread, opened: datetime, now: datetime) -> datetime:
    """Date the thread's posts from busy early days to a trickle; return its last activity."""
    if thread.origin == ThreadOrigin.READER:
        opened += timedelta(days=2, hours=5)
    thread.created_at = opened
    posts = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
    ).all()
    # Staggered by position so that threads of the same size do not move in lockstep.
    first = opened + timedelta(hours=1 + 5 * thread.position)
    span = now - timedelta(hours=3 + 4 * thread.position) - first
    for index, post in enumerate(posts):
        post.created_at = first + span * (index / len(posts)) ** 1.5
    thread.last_activity_at = posts[-1].created_at if posts else opened
    return thread.last_activity_at
