"""The bulk generator: a valid, realistic debate whose stored figures a recount leaves alone."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import Article, Post, Role, Stance, Thread, User, Vote, utcnow
from forum.sample.generate import GENERATED_PASSWORD, Size, generate
from forum.services.accounts import authenticate
from forum.services.figures import recount_all
from forum.services.posts import Contribution, add_contribution
from forum.services.votes import cast_vote

SMALL = Size(articles=4, users=40, posts=500, votes=1500, seed=3, big_thread=120)
POST_FIGURES = ("up", "down", "score", "best", "controversy", "reply_count")
DEBATE_FIGURES = (
    "agree_count",
    "disagree_count",
    "example_count",
    "reply_count",
    "last_activity_at",
    "hot",
)


def figures() -> dict[str, dict[int, tuple]]:
    db.session.expire_all()
    found = {}
    for model, names in (
        (Post, POST_FIGURES),
        (Thread, DEBATE_FIGURES),
        (Article, DEBATE_FIGURES),
    ):
        columns = [getattr(model, name) for name in names]
        rows = db.session.execute(select(model.id, *columns).order_by(model.id))
        found[model.__tablename__] = {row[0]: tuple(row[1:]) for row in rows}
    return found


def test_generated_figures_are_what_a_recount_computes(app):
    generate(SMALL)
    generated = figures()

    recount_all()

    assert figures() == generated
    assert len(generated["posts"]) == SMALL.posts
    assert any(up and down for up, down, *_ in generated["posts"].values())


def test_the_debate_has_a_realistic_shape(app):
    counts = generate(SMALL)

    assert counts["users"] == SMALL.users and counts["posts"] == SMALL.posts
    assert abs(counts["votes"] - SMALL.votes) < SMALL.votes * 0.3
    rows = db.session.execute(select(Post.stance, func.count()).group_by(Post.stance)).all()
    stances = dict(rows)
    replies = stances.pop(None)
    assert 0.3 < replies / SMALL.posts < 0.5
    assert stances[Stance.AGREE] > stances[Stance.EXAMPLE] < stances[Stance.DISAGREE]
    examples = db.session.scalars(select(Post).where(Post.stance == Stance.EXAMPLE)).all()
    assert all(post.organisation and post.channel and post.effect for post in examples)
    assert db.session.scalar(select(func.count()).where(Post.hidden.is_(True))) > 0
    featured = db.session.scalars(select(Post).where(Post.featured.is_(True))).all()
    assert featured and all(post.is_listed and not post.is_reply for post in featured)
    big = db.session.scalar(select(Thread).order_by(Thread.id).limit(1))
    assert big.contribution_count + big.reply_count > SMALL.big_thread * 0.95


def test_answered_by_author_marks_exactly_the_posts_the_author_replied_to(app):
    generate(SMALL)
    reply = aliased(Post)
    answered = set(
        db.session.scalars(
            select(Post.id)
            .join(reply, reply.parent_id == Post.id)
            .join(Article, Article.id == Post.article_id)
            .where(reply.author_id == Article.author_id)
        )
    )
    marked = set(db.session.scalars(select(Post.id).where(Post.answered_by_author.is_(True))))
    assert answered and marked == answered


def test_votes_are_one_per_user_per_post_and_never_on_ones_own(app):
    generate(SMALL)
    own = db.session.scalar(
        select(func.count())
        .select_from(Vote)
        .join(Post, Post.id == Vote.post_id)
        .where(Post.author_id == Vote.user_id)
    )
    assert own == 0
    most = db.session.scalar(select(func.max(Post.up + Post.down)))
    assert most > 5 * SMALL.votes / SMALL.posts


def test_rows_are_valid_for_the_app(app):
    generate(SMALL)
    now = utcnow()
    posts = db.session.scalars(select(Post)).all()
    assert all(now - timedelta(days=366) < post.created_at <= now for post in posts)
    assert all(post.created_at.utcoffset() == timedelta(0) for post in posts)
    replies = [post for post in posts if post.is_reply]
    assert all(reply.created_at >= reply.parent.created_at for reply in replies)
    assert all(reply.parent.parent_id is None for reply in replies)
    slugs = db.session.scalars(select(Article.slug)).all()
    assert len(set(slugs)) == len(slugs) == SMALL.articles
    authors = db.session.scalars(select(User).where(User.role == Role.AUTHOR)).all()
    assert {article.author for article in db.session.scalars(select(Article))} <= set(authors)
    user = db.session.scalar(select(User).where(User.role == Role.READER).limit(1))
    assert user.username.startswith("gen_user_")
    assert authenticate(user.username, GENERATED_PASSWORD) == user


def test_a_second_run_adds_and_the_services_work_after_it(app):
    generate(SMALL)
    generate(Size(articles=2, users=10, posts=30, votes=40, seed=4))

    assert db.session.scalar(select(func.count()).select_from(User)) == SMALL.users + 10
    thread = db.session.scalar(select(Thread).order_by(Thread.id.desc()).limit(1))
    user = db.session.scalar(select(User).where(User.role == Role.READER).limit(1))
    post = add_contribution(thread, user, Contribution("agree", "A *new* point."))
    voter = db.session.scalar(select(User).where(User.id != user.id).limit(1))
    assert cast_vote(post.id, voter, 1).up == 1
    assert post.id == db.session.scalar(select(func.max(Post.id)))


def test_too_few_users_for_the_authors_is_refused(app):
    with pytest.raises(ValueError, match="at least"):
        generate(Size(articles=400, users=5, posts=10, votes=0))


def test_gen_data_command(runner):
    result = runner.invoke(
        args=["gen-data", "--articles", "3", "--users", "20", "--posts", "60", "--votes", "90"]
    )

    assert result.exit_code == 0, result.output
    assert "60 posts" in result.output
    assert db.session.scalar(select(func.count()).select_from(Thread)) >= 9
