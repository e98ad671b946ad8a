"""The demo: an author, a moderator, readers, two articles and their debate.

The words and people are data files in `data/` (people.toml and one file per article); this
module loads them through the services, as people would have written them, and then dates
everything over the last two weeks.
"""

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from random import Random
from typing import Any

from sqlalchemy import select

from .. import changes
from ..extensions import db
from ..models import Article, Post, Role, Stance, Thread, ThreadOrigin, User, utcnow
from ..services.accounts import find_user_by_name, register
from ..services.articles import ArticleDraft, create_article
from ..services.figures import recount_all
from ..services.moderation import flag_post, hide_post, set_featured
from ..services.posts import Contribution, add_contribution, add_reply, propose_thread
from ..services.votes import cast_vote

# Published in the README for the demo.
DEMO_PASSWORD = "demo-password-1"  # nosec B105
DEMO_EMAIL_DOMAIN = "demo.example.org"
# The articles, in the order they are published.
ARTICLE_FILES = ("hypen-om-sociale-medier.toml", "employee-advocacy.toml")


@dataclass(frozen=True)
class Person:
    username: str
    role: Role
    locale: str
    profile: dict[str, Any]


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(files(__package__).joinpath("data", name).read_text("utf-8"))


@cache
def people() -> tuple[Person, ...]:
    """The demo's accounts, in the order they register."""
    return tuple(
        Person(entry.pop("username"), Role(entry.pop("role")), entry.pop("locale"), profile=entry)
        for entry in _read("people.toml")["users"]
    )


def articles() -> list[dict[str, Any]]:
    return [_read(name) for name in ARTICLE_FILES]


def _the(role: Role) -> str:
    (username,) = [person.username for person in people() if person.role == role]
    return username


def seed_demo() -> bool:
    """Load the demo content and return True; return False, changing nothing, if it is there."""
    if find_user_by_name(_the(Role.AUTHOR)) is not None:
        return False
    users = _create_users()
    specs = articles()
    published = [_create_article(spec, users) for spec in specs]
    _cast_votes(users)
    _moderate(users)
    _backdate(published, specs, users)
    recount_all()
    return True


def _moderate(users: dict[str, User]) -> None:
    """The moderator's marks: an editor's pick per article, one hidden post and a flag."""
    moderator = users[_the(Role.MODERATOR)]
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


# How the demo's readers vote: for their side (1 agrees with the article, -1 disagrees, 0 none)
# this share of the time on agreements and disagreements, on the post's appeal otherwise.
PARTISAN = 0.6
SIDES = {Stance.AGREE: 1, Stance.DISAGREE: -1}


def _cast_votes(users: dict[str, User]) -> None:
    """Readers vote on each other's posts: a fixed, lopsided pattern so rankings differ, and
    partly by side, so that the readers fall into camps (ranking.camp)."""
    # A fixed, repeatable demo, not security.
    chooser = Random(2026)  # nosec B311
    voters = [user for name, user in users.items() if name != _the(Role.AUTHOR)]
    sides = {voter.id: (1, -1, 0)[number % 3] for number, voter in enumerate(voters)}
    for post in db.session.scalars(select(Post).order_by(Post.id)).all():
        appeal = chooser.random()
        for voter in chooser.sample(voters, k=chooser.randint(0, len(voters) - 2)):
            if voter.id == post.author_id:
                continue
            side = sides[voter.id] * SIDES.get(post.stance, 0)
            if side and chooser.random() < PARTISAN:
                cast_vote(post.id, voter, side)
            else:
                cast_vote(post.id, voter, 1 if chooser.random() < 0.35 + appeal * 0.6 else -1)


def _create_users() -> dict[str, User]:
    """Register every demo account, with its public profile where it has one."""
    users = {}
    for person in people():
        user = register(
            person.username,
            f"{person.username}@{DEMO_EMAIL_DOMAIN}",
            DEMO_PASSWORD,
            role=person.role,
            locale=person.locale,
        )
        user.email_confirmed_at = utcnow()  # demo addresses cannot receive mail
        user.display_name = person.profile.get("display_name", "")
        user.bio = person.profile.get("bio", "")
        user.links = "\n".join(person.profile.get("links", []))
        users[person.username] = user
    return users


def _create_article(spec: dict[str, Any], users: dict[str, User]) -> Article:
    """Publish one article, then fill its question threads and any reader-proposed threads."""
    draft = ArticleDraft(
        title=spec["title"],
        lede=spec["lede"],
        body=spec["body"],
        questions="\n".join(question["text"] for question in spec["questions"]),
        language=spec["language"],
        tags=", ".join(spec["tags"]),
    )
    article = create_article(users[_the(Role.AUTHOR)], draft, publish=True)
    for thread, question in zip(_question_threads(article), spec["questions"], strict=True):
        _add_debate(thread, question.get("contributions", []), users)
    for proposal in spec.get("proposed", []):
        user = users[proposal["by"]]
        thread = propose_thread(article, user, proposal["title"], proposal["description"])
        _add_debate(thread, proposal.get("contributions", []), users)
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
        for reply in item.get("replies", []):
            add_reply(post, users[reply["by"]], reply["body"])


def _question_threads(article: Article) -> list[Thread]:
    """The threads publishing opened for the article's debate questions, in their order."""
    return list(
        db.session.scalars(
            select(Thread)
            .where(Thread.article_id == article.id, Thread.origin == ThreadOrigin.QUESTION)
            .order_by(Thread.position)
        )
    )


def _backdate(
    articles: list[Article], specs: list[dict[str, Any]], users: dict[str, User]
) -> None:
    """Spread everything over the last two weeks, in the order it was written; one commit."""
    now = utcnow()
    for age, user in enumerate(reversed(users.values())):
        user.created_at = now - timedelta(days=30, hours=age * 7)
    for article, spec in zip(articles, specs, strict=True):
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
