"""The demo content: loaded once, consistent with what the services would have stored."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import (
    Article,
    ArticleStatus,
    Post,
    Role,
    Stance,
    Tag,
    Thread,
    ThreadOrigin,
    User,
    utcnow,
)
from forum.sample.demo import DEMO_PASSWORD, people, seed_demo
from forum.services.accounts import authenticate

MODELS = (User, Article, Tag, Thread, Post)
FIGURES = ("agree_count", "disagree_count", "example_count", "reply_count")


def row_counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in MODELS
    }


@pytest.fixture
def demo(app) -> None:
    assert seed_demo() is True


def contributions() -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.parent_id.is_(None))))


def test_seeding_twice_changes_nothing_the_second_time(demo):
    before = row_counts()

    assert seed_demo() is False
    assert row_counts() == before


def test_the_cli_command_loads_the_demo_once(runner):
    assert "Demo content loaded." in runner.invoke(args=["seed-demo"]).output
    assert "already there" in runner.invoke(args=["seed-demo"]).output
    assert "has content" in runner.invoke(args=["seed-demo", "--if-empty"]).output


def test_there_is_a_published_article_in_each_language(demo):
    articles = db.session.scalars(
        select(Article).where(Article.status == ArticleStatus.PUBLISHED)
    ).all()

    assert len(articles) >= 2
    assert {"da", "en"} <= {article.language for article in articles}
    for article in articles:
        assert len(article.question_list) == 3
        assert 2 <= len(article.tags) <= 4
        assert article.lede and "## " in article.body and "<h2>" in article.body_html


def test_publishing_opened_a_thread_per_question_and_a_reader_proposed_one(demo):
    origins = db.session.scalars(select(Thread.origin)).all()

    assert origins.count(ThreadOrigin.QUESTION) == 6
    assert origins.count(ThreadOrigin.READER) == 1


def test_question_threads_hold_at_least_thirty_contributions_of_every_stance(demo):
    in_question_threads = [
        post for post in contributions() if post.thread.origin == ThreadOrigin.QUESTION
    ]

    assert len(in_question_threads) >= 30
    assert {post.stance for post in in_question_threads} == set(Stance)


def test_examples_carry_their_structured_fields(demo):
    examples = [post for post in contributions() if post.stance == Stance.EXAMPLE]

    assert examples
    for post in examples:
        assert post.organisation and post.channel and post.effect
        assert post.source_url is None or post.source_url.startswith("https://example.")
    assert {post.effect.value for post in examples} == {"supports", "challenges"}


def test_author_replies_mark_their_contributions_answered(demo):
    parent = aliased(Post)
    author_replies = db.session.scalars(
        select(Post)
        .join(parent, Post.parent_id == parent.id)
        .join(Thread, Post.thread_id == Thread.id)
        .join(Article, Thread.article_id == Article.id)
        .where(Post.author_id == Article.author_id)
    ).all()

    assert len(author_replies) >= 4
    assert all(reply.parent.answered_by_author for reply in author_replies)
    answered = db.session.scalars(select(Post).where(Post.answered_by_author)).all()
    assert {post.id for post in answered} == {reply.parent_id for reply in author_replies}


def test_there_are_replies_by_readers_and_the_moderator(demo):
    replies = db.session.scalars(select(Post).where(Post.parent_id.is_not(None))).all()

    assert len(replies) >= 10
    assert Role.MODERATOR in {reply.author.role for reply in replies}


def test_stored_figures_match_the_posts(demo):
    for thread in db.session.scalars(select(Thread)):
        posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).all()
        stances = [post.stance for post in posts if post.is_listed]
        assert thread.agree_count == stances.count(Stance.AGREE)
        assert thread.disagree_count == stances.count(Stance.DISAGREE)
        assert thread.example_count == stances.count(Stance.EXAMPLE)
        assert thread.reply_count == stances.count(None)
        for post in posts:
            assert post.reply_count == sum(
                reply.parent_id == post.id and reply.is_listed for reply in posts
            )
    for article in db.session.scalars(select(Article)):
        threads = db.session.scalars(select(Thread).where(Thread.article_id == article.id)).all()
        sums = [sum(getattr(thread, name) for thread in threads) for name in FIGURES]
        assert [getattr(article, name) for name in FIGURES] == sums


def test_the_debate_is_dated_over_the_last_two_weeks_in_order(demo):
    now = utcnow()
    for post in db.session.scalars(select(Post)):
        assert now - timedelta(days=15) < post.created_at < now
        assert post.created_at > post.thread.created_at
        if post.parent is not None:
            assert post.created_at > post.parent.created_at
    for thread in db.session.scalars(select(Thread)):
        assert thread.created_at >= thread.article.published_at
        assert thread.last_activity_at <= thread.article.last_activity_at


def test_the_author_has_a_public_profile(demo):
    author = db.session.scalar(select(User).where(User.role == Role.AUTHOR))

    assert author.display_name and author.bio
    assert 1 <= len(author.link_list) <= 2


def test_the_demo_accounts_log_in_with_the_demo_password(demo):
    roles = [person.role for person in people()]
    assert {Role.AUTHOR, Role.MODERATOR, Role.READER} <= set(roles)
    assert roles.count(Role.READER) >= 6

    for person in people():
        user = authenticate(person.username, DEMO_PASSWORD)
        assert user is not None and user.role == person.role
