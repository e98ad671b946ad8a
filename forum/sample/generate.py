"""Generated content for benchmarks: a realistic debate of any size, bulk-inserted, with figures.

Rows go in through SQLAlchemy Core executemany in large batches and one transaction, with every
stored figure (votes, rankings, counts, hotness) computed on the way, so nothing is recounted.
"""

import math
import random
from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from itertools import accumulate

from flask import current_app
from sqlalchemy import Table, func, insert, select

from .. import changes, ranking
from ..extensions import db
from ..models import Article, Post, Tag, Thread, User, Vote, article_tags, utcnow
from ..names import fold
from ..passwords import hash_password
from ..services.articles import make_slug
from ..services.figures import recount_voters
from ..services.transfer import advance_sequences
from .generated_text import (
    ORGANISATIONS,
    QUESTIONS,
    TAGS,
    WORDS,
    article_text,
    body_pool,
    rendered,
    sentence,
)

# Every generated account logs in with this password (published for the benchmark).
GENERATED_PASSWORD = "generated-password-1"  # nosec B105
BATCH = 10_000
FLUSH_AT = 50_000
REPLY_SHARE = 0.4
HIDDEN_SHARE = 0.01
# Of contributions, which are about 60% of the posts: about 0.5% of all posts.
FEATURED_SHARE = 0.008
STANCES = ("agree", "disagree", "example")
STANCE_WEIGHTS = (0.40, 0.36, 0.24)
CHANNELS = ("linkedin", "facebook", "x", "instagram", "tiktok", "youtube", "blog", "newsletter")
REASONS = ("spam", "abusive", "off_topic", "duplicate", "misleading")
YEAR = timedelta(days=365)
ORDER = ("users", "tags", "articles", "article_tags", "threads", "posts", "votes")
TABLES: dict[str, Table] = {
    "users": User.__table__,
    "tags": Tag.__table__,
    "articles": Article.__table__,
    "article_tags": article_tags,
    "threads": Thread.__table__,
    "posts": Post.__table__,
    "votes": Vote.__table__,
}


@dataclass(frozen=True)
class Size:
    """How much to generate; big_thread posts go to the first article's first question."""

    articles: int
    users: int
    posts: int
    votes: int
    seed: int = 1
    big_thread: int = 0


def generate(size: Size) -> dict[str, int]:
    """Add generated users, articles, threads, posts and votes with final figures; one commit."""
    if size.users < _author_count(size.articles) + 2:
        raise ValueError(
            f"{size.articles} articles need at least {_author_count(size.articles) + 2} users"
        )
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A big page cache for this connection while it generates: the indexes stay in memory.
        connection.exec_driver_sql("PRAGMA cache_size=-400000")
    try:
        counts = _Generator(size).run()
        recount_voters()  # the leans of the voters, old and generated, from their votes
        advance_sequences()
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
    changes.everything()
    db.session.commit()
    if sqlite:
        # The one big transaction left a WAL file as large as the data: empty it.
        db.session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.session.commit()
    return counts


class _Writer:
    """Rows buffered per table and inserted in batches, parents before children.

    Through the session, so whatever listens to its writes (the page cache) sees them.
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in ORDER}
        self.counts: Counter[str] = Counter()

    def next_id(self, name: str) -> int:
        return db.session.scalar(select(func.coalesce(func.max(TABLES[name].c.id), 0))) + 1

    def add(self, name: str, row: dict) -> None:
        self.rows[name].append(row)

    def flush(self, at_least: int = 0) -> None:
        if len(self.rows["posts"]) + len(self.rows["votes"]) < at_least:
            return
        for name in ORDER:
            rows = self.rows[name]
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(TABLES[name]), rows[start : start + BATCH])
            self.counts[name] += len(rows)
            rows.clear()


@dataclass
class _Debate:
    """Figures summed over the posts of a thread or an article."""

    agree_count: int = 0
    disagree_count: int = 0
    example_count: int = 0
    reply_count: int = 0
    last: datetime | None = None

    def add(self, other: "_Debate") -> None:
        for name in ("agree_count", "disagree_count", "example_count", "reply_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last

    def figures(self, started: datetime) -> dict:
        last = self.last or started
        activity = self.agree_count + self.disagree_count + self.example_count + self.reply_count
        return {
            "agree_count": self.agree_count,
            "disagree_count": self.disagree_count,
            "example_count": self.example_count,
            "reply_count": self.reply_count,
            "last_activity_at": last,
            "hot": ranking.hot(activity, last),
        }


class _Generator:
    def __init__(self, size: Size) -> None:
        # A repeatable shape for benchmarks, not security.
        self.rng = random.Random(size.seed)  # nosec B311
        self.size = size
        self.now = utcnow()
        self.out = _Writer()
        self.bodies = body_pool(self.rng)
        self.short_bodies = sorted(self.bodies, key=lambda body: len(body[0]))[:80]
        self.article_bodies = [rendered(article_text(self.rng)) for _ in range(5)]
        config = current_app.config
        self.rankings = _rankings(config["WILSON_Z"], config["GRAIN_WEIGHT"])

    def run(self) -> dict[str, int]:
        self._users()
        self._tags()
        articles = self._plan_articles()
        self.sizes = iter(self._thread_sizes(sum(len(origins) for origins, _ in articles)))
        weights = array("d", (self.rng.paretovariate(1.3) for _ in range(self.size.posts)))
        self.votes_per_weight = self.size.votes / (sum(weights) or 1)
        self.weights = iter(weights)
        self.next_thread = self.out.next_id("threads")
        self.next_post = self.out.next_id("posts")
        self.next_vote = self.out.next_id("votes")
        first = self.out.next_id("articles")
        for number, (origins, published) in enumerate(articles):
            self._article(first + number, origins, published)
            self.out.flush(at_least=FLUSH_AT)
        self.out.flush()
        return dict(self.out.counts)

    def _users(self) -> None:
        first, count = self.out.next_id("users"), self.size.users
        self.authors = list(range(first, first + _author_count(self.size.articles)))
        self.readers = range(self.authors[-1] + 1, first + count)
        # A long tail of activity: a few readers write much of the debate.
        self.reader_weights = list(accumulate(k**-0.8 for k in range(1, len(self.readers) + 1)))
        self.user_ids = range(first, first + count)
        password_hash = hash_password(GENERATED_PASSWORD)
        starts = sorted(self.rng.random() for _ in range(count))
        for user_id, start in enumerate(starts, start=first):
            name = f"gen_user_{user_id}"
            created = self.now - 2 * YEAR * (1 - start)
            self.out.add(
                "users",
                {
                    **USER_DEFAULTS,
                    "id": user_id,
                    "username": name,
                    "username_key": name,
                    "username_fold": fold(name),
                    "email": f"{name}@example.org",
                    "password_hash": password_hash,
                    "role": "author" if user_id in self.authors else "reader",
                    "created_at": created,
                    "email_confirmed_at": created,
                },
            )
        self.out.flush()

    def _tags(self) -> None:
        taken = set(db.session.scalars(select(Tag.slug)))
        tag_id = self.out.next_id("tags")
        self.tag_ids: list[int] = []
        for name in TAGS:
            if make_slug(name) not in taken:
                self.out.add("tags", {"id": tag_id, "name": name, "slug": make_slug(name)})
                self.tag_ids.append(tag_id)
                tag_id += 1

    def _plan_articles(self) -> list[tuple[list[str], datetime | None]]:
        """Per article, oldest first: its threads' origins and when it was published (drafts:
        no threads, None); three questions each and sometimes readers' threads."""
        rng = self.rng
        ages = sorted((rng.random() for _ in range(self.size.articles)), reverse=True)
        plan: list[tuple[list[str], datetime | None]] = []
        for number, age in enumerate(ages):
            if number and rng.random() < 0.01:
                plan.append(([], None))
            else:
                readers = rng.choice((0, 0, 0, 1, 1, 2))
                plan.append((["question"] * 3 + ["reader"] * readers, self.now - YEAR * age))
        return plan

    def _thread_sizes(self, threads: int) -> list[int]:
        """Posts per thread: Zipf over the threads in a random order; the first is the big one."""
        big = min(self.size.big_thread, self.size.posts)
        spread = self.size.posts - big
        ranks = list(range(1, threads + 1))
        self.rng.shuffle(ranks)
        weights = [0.0 if big and index == 0 else 1 / rank for index, rank in enumerate(ranks)]
        total = sum(weights) or 1
        sizes = [int(spread * weight / total) for weight in weights]
        for index in self.rng.choices(range(threads), weights, k=spread - sum(sizes)):
            sizes[index] += 1
        if threads:
            sizes[0] += big
        return sizes

    def _article(self, article_id: int, origins: list[str], published: datetime | None) -> None:
        rng = self.rng
        author = rng.choice(self.authors)
        word = rng.choice(WORDS)
        questions = [question.format(w=word) for question in rng.sample(QUESTIONS, 3)]
        debate = _Debate()
        for position, origin in enumerate(origins, start=1):
            title = questions[position - 1] if origin == "question" else sentence(rng)[:200]
            thread = {"article_id": article_id, "origin": origin, "title": title}
            debate.add(self._thread(thread, author, published, position))
        created = published or self.now - YEAR * rng.random()
        body, body_html = rng.choice(self.article_bodies)
        title = f"{word.capitalize()}: {questions[0][:-1].lower()}"
        row = {
            "id": article_id,
            "slug": f"{make_slug(title, max_length=100)}-{article_id}",
            "title": title,
            "lede": sentence(rng),
            "body": body,
            "body_html": body_html,
            "questions": "\n".join(questions),
            "language": rng.choice(("en", "en", "da")),
            "author_id": author,
            "status": "published" if published else "draft",
            "discussion_open": True,
            "hold_posts": False,
            "created_at": created - timedelta(days=2),
            "updated_at": created,
            "published_at": published,
        }
        figures = debate.figures(published) if published else {**EMPTY_FIGURES}
        self.out.add("articles", row | figures)
        for tag_id in rng.sample(self.tag_ids, k=min(len(self.tag_ids), rng.randint(0, 3))):
            self.out.add("article_tags", {"article_id": article_id, "tag_id": tag_id})

    def _thread(self, thread: dict, author: int, published: datetime, position: int) -> _Debate:
        """Add a thread, its posts and their votes; return the thread's debate figures."""
        thread_id, self.next_thread = self.next_thread, self.next_thread + 1
        question = thread["origin"] == "question"
        created = published
        if not question:
            created += (self.now - published) * 0.2 * self.rng.random() ** 2
        debate = self._posts(thread_id, thread["article_id"], author, created, next(self.sizes))
        row = {
            **thread,
            "id": thread_id,
            "author_id": author if question else self._readers(1)[0],
            "description": "",
            "position": position if question else 0,
            "pinned": False,
            "locked": False,
            "created_at": created,
        }
        self.out.add("threads", row | debate.figures(created))
        return debate

    def _readers(self, count: int) -> list[int]:
        return self.rng.choices(self.readers, cum_weights=self.reader_weights, k=count)

    def _posts(
        self, thread_id: int, article_id: int, author: int, started: datetime, size: int
    ) -> _Debate:
        """Contributions, then replies under them (a long tail), ids in time order for each."""
        rng = self.rng
        replies = round(size * REPLY_SHARE + rng.gauss(0, 1)) if size > 1 else 0
        replies = max(0, min(size - 1, replies))
        span = self.now - started
        times = sorted(started + span * rng.random() ** 3 for _ in range(size - replies))
        base = {"thread_id": thread_id, "article_id": article_id}
        contributions = [self._contribution(base, when) for when in times]
        answers = self._replies(base, contributions, replies, author)
        debate = _Debate()
        parents = {row["id"]: row for row in contributions}
        for row in contributions + answers:
            self._finish(row, debate, parents)
            self.out.add("posts", row)
        return debate

    def _contribution(self, base: dict, when: datetime) -> dict:
        rng = self.rng
        stance = rng.choices(STANCES, STANCE_WEIGHTS)[0]
        example = stance == "example"
        body, body_html = rng.choice(self.bodies)
        post_id, self.next_post = self.next_post, self.next_post + 1
        hidden = rng.random() < HIDDEN_SHARE
        return {
            **POST_DEFAULTS,
            **base,
            "id": post_id,
            "author_id": self._readers(1)[0],
            "stance": stance,
            "organisation": rng.choice(ORGANISATIONS) if example else None,
            "channel": rng.choice(CHANNELS) if example else None,
            "source_url": f"https://example.org/cases/{post_id}" if example else None,
            "effect": rng.choice(("supports", "challenges")) if example else None,
            "body": body,
            "body_html": body_html,
            "created_at": when,
            "hidden": hidden,
            "moderation_reason": rng.choice(REASONS) if hidden else None,
            "featured": not hidden and rng.random() < FEATURED_SHARE,
        }

    def _replies(self, base: dict, parents: list[dict], count: int, author: int) -> list[dict]:
        """Replies spread over the contributions with a long tail; some by the article's author."""
        rng = self.rng
        if not parents or not count:
            return []
        appeal = [rng.paretovariate(1.2) for _ in parents]
        rows = []
        for parent in rng.choices(parents, appeal, k=count):
            challenged = parent["stance"] != "agree"
            by_author = rng.random() < (0.12 if challenged else 0.04)
            if by_author:
                parent["answered_by_author"] = True
            when = parent["created_at"] + (self.now - parent["created_at"]) * rng.random() ** 4
            body, body_html = rng.choice(self.short_bodies)
            hidden = rng.random() < HIDDEN_SHARE
            rows.append(
                {
                    **POST_DEFAULTS,
                    **base,
                    "author_id": author if by_author else self._readers(1)[0],
                    "parent_id": parent["id"],
                    "body": body,
                    "body_html": body_html,
                    "created_at": when,
                    "hidden": hidden,
                    "moderation_reason": rng.choice(REASONS) if hidden else None,
                }
            )
        rows.sort(key=lambda row: row["created_at"])
        for row in rows:
            row["id"], self.next_post = self.next_post, self.next_post + 1
        return rows

    def _finish(self, row: dict, debate: _Debate, parents: dict[int, dict]) -> None:
        """Cast the post's votes, set its figures and count it in the thread's debate."""
        up, down = self._votes(row)
        row.update(self.rankings(up, down, row["stance"]))
        if debate.last is None or row["created_at"] > debate.last:
            debate.last = row["created_at"]
        if row["hidden"]:
            return
        if row["parent_id"] is None:
            name = f"{row['stance']}_count"
            setattr(debate, name, getattr(debate, name) + 1)
        else:
            debate.reply_count += 1
            parents[row["parent_id"]]["reply_count"] += 1

    def _votes(self, row: dict) -> tuple[int, int]:
        """Votes from distinct users, never the post's author; a long tail over the posts."""
        rng = self.rng
        wanted = int(next(self.weights) * self.votes_per_weight + rng.random())
        wanted = min(wanted, len(self.user_ids) - 1)
        if not wanted:
            return 0, 0
        voters = rng.sample(self.user_ids, wanted + 1)
        if row["author_id"] in voters:
            voters.remove(row["author_id"])
        else:
            voters.pop()
        appeal = rng.betavariate(2.0, 1.4)
        span = self.now - row["created_at"]
        up = 0
        for voter in voters:
            value = 1 if rng.random() < appeal else -1
            up += value == 1
            when = row["created_at"] + span * rng.random() ** 2
            vote_id, self.next_vote = self.next_vote, self.next_vote + 1
            self.out.add(
                "votes",
                {
                    "id": vote_id,
                    "post_id": row["id"],
                    "user_id": voter,
                    "value": value,
                    "lean": ranking.vote_lean(row["stance"], value),
                    "created_at": when,
                    "updated_at": when,
                },
            )
        return up, len(voters) - up


USER_DEFAULTS = {
    "display_name": "",
    "bio": "",
    "links": "",
    "locale": None,
    "suspended_until": None,
    "banned": False,
    "sanction_reason": "",
    "deleted_at": None,
}
POST_DEFAULTS = {
    "parent_id": None,
    "stance": None,
    "organisation": None,
    "channel": None,
    "source_url": None,
    "effect": None,
    "edited_at": None,
    "deleted_at": None,
    "reply_count": 0,
    "answered_by_author": False,
    "status": "published",
    "moderation_note": "",
    "featured": False,
}
EMPTY_FIGURES = {
    "agree_count": 0,
    "disagree_count": 0,
    "example_count": 0,
    "reply_count": 0,
    "last_activity_at": None,
    "hot": 0.0,
}


def _author_count(articles: int) -> int:
    """A few authors: one per hundred articles, at most ten."""
    return max(1, min(10, math.ceil(articles / 100)))


def _rankings(z: float, w: float):
    """The stored figures that follow from a post's votes, as forum.services.votes stores them
    (the generated voters are of no camp)."""

    @cache
    def rankings(up: int, down: int, stance: str | None) -> dict:
        return {
            "up": up,
            "down": down,
            "score": ranking.net_score(up, down),
            "best": ranking.wilson_lower_bound(up, down, z),
            "controversy": ranking.controversy(up, down),
            "grain": ranking.grain(up, down, 0, 0, 0, 0, stance, w, z),
        }

    return rankings
