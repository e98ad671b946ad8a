"""The weekly newsletter's issues: what each tells, and the record of its deliveries, which
lets an issue reach each subscriber once, whoever sends it and however often.

An issue is one row per ISO week; its deliveries one row per (issue, subscriber), marked
sent once the mail server took the e-mail. A sender holds the issue for LEASE at a time
(`take_issue`, renewed by `hold_issue`): a second sender racing it finds it held, and a
sender killed mid-batch is followed, after its lease, by one that sends what is not marked.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    Article,
    ArticleStatus,
    NewsletterDelivery,
    NewsletterIssue,
    Post,
    Subscriber,
    SubscriberStatus,
    utcnow,
)
from . import summaries

MAX_NEW_ARTICLES = 10
MAX_DEBATES = 10
# How long a sender holds an issue without renewing it: a batch takes seconds, or minutes
# with a mail server that answers slowly.
LEASE = timedelta(minutes=10)
# The first issue looks back a week; a later one to where the one before ended, unless that
# was more than LONGEST_PERIOD ago (the newsletter was off).
FIRST_PERIOD = timedelta(days=7)
LONGEST_PERIOD = timedelta(days=14)


def iso_week(moment: datetime) -> tuple[int, int]:
    year, week, _day = moment.isocalendar()
    return year, week


def scheduled_moment(moment: datetime, day: int, hour: int) -> datetime:
    """When the issue of `moment`'s ISO week is due: its `day` (0 Monday) at `hour`, UTC."""
    monday = (moment - timedelta(days=moment.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday + timedelta(days=day, hours=hour)


@dataclass(frozen=True)
class Plan:
    """An issue not yet recorded: what it would tell, and the number it would get."""

    year: int
    week: int
    number: int | None
    period_start: datetime
    period_end: datetime
    contents: dict[str, Any]

    @property
    def empty(self) -> bool:
        return not self.contents["articles"] and not self.contents["debates"]


def plan_issue(now: datetime) -> Plan:
    """What this week's issue would tell if it were made now; records nothing."""
    year, week = iso_week(now)
    previous = db.session.scalar(
        select(NewsletterIssue)
        .where(
            NewsletterIssue.period_end <= now,
            or_(NewsletterIssue.year != year, NewsletterIssue.week != week),
        )
        .order_by(NewsletterIssue.period_end.desc())
        .limit(1)
    )
    start = now - FIRST_PERIOD
    if previous is not None and now - previous.period_end <= LONGEST_PERIOD:
        start = previous.period_end
    contents = _contents(start, now)
    number = None
    if contents["articles"] or contents["debates"]:
        number = (db.session.scalar(select(func.max(NewsletterIssue.number))) or 0) + 1
    return Plan(year, week, number, start, now, contents)


def _contents(start: datetime, end: datetime) -> dict[str, Any]:
    """The articles published in the period, and the debates with new contributions in it
    (most first), each with its strongest cases as the article's page sums them up."""
    published = Article.status == ArticleStatus.PUBLISHED
    articles = db.session.scalars(
        select(Article.id)
        .where(published, Article.published_at >= start, Article.published_at < end)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(MAX_NEW_ARTICLES)
    ).all()
    new = func.count().label("new")
    active = db.session.execute(
        select(Post.article_id, new)
        .join(Article, Article.id == Post.article_id)
        .where(
            published,
            Post.parent_id.is_(None),
            Post.listed(),
            Post.created_at >= start,
            Post.created_at < end,
        )
        .group_by(Post.article_id)
        .order_by(new.desc(), Post.article_id)
        .limit(MAX_DEBATES)
    ).all()
    debates = []
    for article_id, count in active:
        summary = summaries.article_summary(db.session.get(Article, article_id))
        debates.append(
            {
                "article": article_id,
                "new": count,
                "agreement": _id(summary.strongest_agreement),
                "disagreement": _id(summary.strongest_disagreement),
                "examples": [post.id for post in summary.best_examples],
            }
        )
    return {"articles": list(articles), "debates": debates}


def _id(post: Post | None) -> int | None:
    return post.id if post is not None else None


def issue_of_week(year: int, week: int) -> NewsletterIssue | None:
    return db.session.scalar(
        select(NewsletterIssue).where(NewsletterIssue.year == year, NewsletterIssue.week == week)
    )


def make_issue(now: datetime, *, again_if_empty: bool = False) -> NewsletterIssue:
    """This week's issue, made from plan_issue(now) unless it exists; a week found empty is
    planned again with `again_if_empty` (by hand, once there is something to tell)."""
    year, week = iso_week(now)
    issue = issue_of_week(year, week)
    if issue is not None and not (issue.empty and again_if_empty):
        return issue
    plan = plan_issue(now)
    if issue is None:
        issue = NewsletterIssue(year=year, week=week, period_start=plan.period_start)
        db.session.add(issue)
    issue.period_end = plan.period_end
    issue.contents = plan.contents
    issue.number = plan.number
    issue.completed_at = now if plan.empty else None
    try:
        db.session.commit()
    except IntegrityError:  # another sender made this week's issue (or took the number) first
        db.session.rollback()
        issue = issue_of_week(year, week)
        if issue is None:
            raise
    return issue


def take_issue(issue: NewsletterIssue, sender: str) -> bool:
    """Hold the issue for sending, unless it is sent or another sender holds it."""
    now = utcnow()
    taken = db.session.execute(
        update(NewsletterIssue)
        .where(
            NewsletterIssue.id == issue.id,
            NewsletterIssue.completed_at.is_(None),
            or_(NewsletterIssue.lease_until.is_(None), NewsletterIssue.lease_until < now),
        )
        .values(sender=sender, lease_until=now + LEASE)
    )
    db.session.commit()
    return taken.rowcount == 1


def hold_issue(issue: NewsletterIssue, sender: str) -> bool:
    """Renew the sender's hold; False if it lapsed and another sender took the issue."""
    held = db.session.execute(
        update(NewsletterIssue)
        .where(NewsletterIssue.id == issue.id, NewsletterIssue.sender == sender)
        .values(lease_until=utcnow() + LEASE)
    )
    db.session.commit()
    return held.rowcount == 1


def release_issue(issue: NewsletterIssue, sender: str, *, completed: bool = False) -> None:
    """Let go of the issue (and record it sent, with `completed`)."""
    values: dict[str, Any] = {"sender": None, "lease_until": None}
    if completed:
        values["completed_at"] = utcnow()
    db.session.execute(
        update(NewsletterIssue)
        .where(NewsletterIssue.id == issue.id, NewsletterIssue.sender == sender)
        .values(**values)
    )
    db.session.commit()


def add_deliveries(issue: NewsletterIssue) -> int:
    """A delivery for each confirmed subscriber who has none of this issue yet."""
    has_one = exists().where(
        NewsletterDelivery.issue_id == issue.id,
        NewsletterDelivery.subscriber_id == Subscriber.id,
    )
    added = db.session.execute(
        insert(NewsletterDelivery).from_select(
            ["issue_id", "subscriber_id"],
            select(literal(issue.id), Subscriber.id).where(
                Subscriber.status == SubscriberStatus.CONFIRMED, ~has_one
            ),
        )
    )
    db.session.commit()
    return added.rowcount


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    subscriber_id: int
    email: str
    locale: str


def pending_deliveries(issue: NewsletterIssue, after: int, limit: int) -> list[Recipient]:
    """The next deliveries not yet sent (ids above `after`) to subscribers who still are."""
    rows = db.session.execute(
        select(NewsletterDelivery.id, Subscriber.id, Subscriber.email, Subscriber.locale)
        .join(Subscriber, Subscriber.id == NewsletterDelivery.subscriber_id)
        .where(
            NewsletterDelivery.issue_id == issue.id,
            NewsletterDelivery.sent_at.is_(None),
            NewsletterDelivery.id > after,
            Subscriber.status == SubscriberStatus.CONFIRMED,
        )
        .order_by(NewsletterDelivery.id)
        .limit(limit)
    ).all()
    db.session.commit()  # ends the read: a subscriber who leaves now is seen by the next batch
    return [Recipient(*row) for row in rows]


def mark_sent(delivery_id: int, *, refused: bool = False) -> None:
    """Record that the mail server took the delivery's e-mail (or refused its address), in a
    transaction of its own: it must last even if the sender is killed at the next e-mail.
    (On a connection of its own too: committing the session for each of 10,000 e-mails would
    expire, each time, every row the sender holds.)"""
    with db.engine.begin() as connection:
        connection.execute(
            update(NewsletterDelivery)
            .where(NewsletterDelivery.id == delivery_id)
            .values(sent_at=utcnow(), refused=refused)
        )


def recipients(issue: NewsletterIssue | None) -> list[tuple[str, str]]:
    """Who would get the issue (address, language): the confirmed subscribers not yet sent
    it; all of them for an issue not yet made."""
    query = select(Subscriber.email, Subscriber.locale).where(
        Subscriber.status == SubscriberStatus.CONFIRMED
    )
    if issue is not None:
        sent = exists().where(
            NewsletterDelivery.issue_id == issue.id,
            NewsletterDelivery.subscriber_id == Subscriber.id,
            NewsletterDelivery.sent_at.is_not(None),
        )
        query = query.where(~sent)
    return [(email, locale) for email, locale in db.session.execute(query.order_by(Subscriber.id))]


@dataclass(frozen=True)
class Debate:
    """An article with new contributions in the issue's week, and its strongest cases."""

    article: Article
    new: int
    cases: tuple[tuple[str, Post], ...]  # ("agreement" | "disagreement" | "example", post)


@dataclass(frozen=True)
class Digest:
    """An issue as it reads now: what it told that every visitor may still read."""

    number: int | None
    period_start: datetime
    period_end: datetime
    new_articles: tuple[Article, ...]
    debates: tuple[Debate, ...]


def digest(issue: NewsletterIssue | Plan) -> Digest:
    """Three queries. An article no longer published and a post no longer shown to everyone
    (hidden, held, deleted) drop out: an issue never shows what a visitor may not see."""
    contents = issue.contents
    debates = contents.get("debates", [])
    article_ids = set(contents.get("articles", [])) | {debate["article"] for debate in debates}
    articles = {
        article.id: article
        for article in db.session.scalars(
            select(Article).where(
                Article.id.in_(article_ids), Article.status == ArticleStatus.PUBLISHED
            )
        )
    }
    post_ids = {
        post_id
        for debate in debates
        for post_id in (debate["agreement"], debate["disagreement"], *debate["examples"])
        if post_id is not None
    }
    posts = {
        post.id: post
        for post in db.session.scalars(
            select(Post)
            .where(Post.id.in_(post_ids), Post.listed())
            .options(joinedload(Post.author), selectinload(Post.thread))
        )
    }
    return Digest(
        number=issue.number,
        period_start=issue.period_start,
        period_end=issue.period_end,
        new_articles=tuple(articles[i] for i in contents.get("articles", []) if i in articles),
        debates=tuple(
            Debate(articles[debate["article"]], debate["new"], _cases(debate, posts))
            for debate in debates
            if debate["article"] in articles
        ),
    )


def _cases(debate: dict[str, Any], posts: dict[int, Post]) -> tuple[tuple[str, Post], ...]:
    named = [
        ("agreement", debate["agreement"]),
        ("disagreement", debate["disagreement"]),
        *(("example", post_id) for post_id in debate["examples"]),
    ]
    return tuple((kind, posts[post_id]) for kind, post_id in named if post_id in posts)


def archive() -> list[NewsletterIssue]:
    """The issues that went out (or are going out), newest first."""
    return list(
        db.session.scalars(
            select(NewsletterIssue)
            .where(NewsletterIssue.number.is_not(None))
            .order_by(NewsletterIssue.number.desc())
        )
    )


def published_issue(number: int) -> NewsletterIssue | None:
    return db.session.scalar(select(NewsletterIssue).where(NewsletterIssue.number == number))
