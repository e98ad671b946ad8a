"""The author's desk: their articles with figures, and the challenges they have not answered."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Action, ArticleStatus, AuditEntry, Post, PostStatus, Role, Stance, utcnow
from forum.services import desk
from forum.services.posts import Contribution, add_contribution, add_reply


def challenges_section(html: str) -> str:
    return html.split('id="challenges-heading"', 1)[1].split('id="articles-heading"', 1)[0]


def articles_section(html: str) -> str:
    return html.split('id="articles-heading"', 1)[1]


def listed_ids(html: str) -> list[int]:
    """The ids of the open challenges, in the order the desk shows them."""
    return [int(n) for n in re.findall(r'<article id="post-(\d+)"', challenges_section(html))]


def article_block(html: str, title: str) -> str:
    """The entry of one article in the desk's list of articles."""
    for block in articles_section(html).split('<article class="article-summary">')[1:]:
        if f">{title}</a>" in block:
            return block
    raise AssertionError(f"{title!r} is not listed")


# --- who may see it -------------------------------------------------------------------------


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/author")

    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302
    assert location.path == "/auth/login"
    assert parse_qs(location.query)["next"] == ["/author"]


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
def test_users_who_do_not_write_articles_get_403(client, log_in, make_user, role):
    log_in(make_user(role=role))

    assert client.get("/author").status_code == 403


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_authors_and_admins_get_their_desk(client, log_in, make_user, role):
    log_in(make_user(role=role))

    response = client.get("/author")

    assert response.status_code == 200
    assert "Open challenges" in response.text


# --- the author's articles ------------------------------------------------------------------


def test_the_desk_lists_the_author_s_own_articles_with_their_figures(
    as_author, author, article, make_article, make_thread, make_user
):
    thread = make_thread(article=article)
    readers = [make_user() for _ in range(3)]
    add_contribution(thread, readers[0], Contribution("agree", "Yes."))
    add_contribution(thread, readers[1], Contribution("agree", "Indeed."))
    disagreement = add_contribution(thread, readers[2], Contribution("disagree", "No."))
    add_reply(disagreement, readers[0], "Why not?")
    make_article(author=author, title="Unfinished thoughts", status=ArticleStatus.DRAFT)
    make_article(title="Someone else's article")

    html = as_author.get("/author").text

    block = article_block(html, "Employer branding")
    assert "2 agree" in block
    assert "1 disagrees" in block
    assert "0 examples" in block
    assert "1 reply" in block
    assert "Draft" in article_block(html, "Unfinished thoughts")
    assert "Someone else" not in articles_section(html)


def test_an_author_without_articles_is_invited_to_write_one(as_author):
    html = as_author.get("/author").text

    assert "You have not written an article yet." in articles_section(html)
    assert "No open challenges" in challenges_section(html)


# --- open challenges ----------------------------------------------------------------------


@pytest.fixture
def debate(author, article, make_article, make_thread, make_post, make_user):
    """Posts under the author's article and elsewhere; only some are open challenges."""
    thread = make_thread(article=article)
    other_thread = make_thread(article=make_article(title="Not theirs"))
    critic = make_user("critic")
    now = utcnow()

    def post(**fields) -> Post:
        fields.setdefault("thread", thread)
        fields.setdefault("author", critic)
        fields.setdefault("created_at", now)
        return make_post(**fields)

    open_posts = {
        "strong_disagreement": post(stance=Stance.DISAGREE, best=0.9),
        "weak_disagreement": post(stance=Stance.DISAGREE, best=0.1),
        "middle_example": post(
            stance=Stance.EXAMPLE,
            best=0.5,
            organisation="Havnens Bryggeri",
            channel="tiktok",
            effect="challenges",
        ),
        "older_unvoted": post(stance=Stance.DISAGREE, created_at=now - timedelta(days=1)),
        "newer_unvoted": post(stance=Stance.DISAGREE),
    }
    parent = post(stance=Stance.AGREE, best=0.95)
    others = {
        "agreement": parent,
        "reply": post(parent=parent, stance=None, best=0.99),
        "hidden": post(stance=Stance.DISAGREE, best=0.97, hidden=True, moderation_reason="spam"),
        "held": post(stance=Stance.DISAGREE, best=0.96, status=PostStatus.HELD),
        "rejected": post(stance=Stance.EXAMPLE, best=0.96, status=PostStatus.REJECTED),
        "deleted": post(stance=Stance.DISAGREE, best=0.98, deleted_at=now, body="gone"),
        "elsewhere": post(thread=other_thread, stance=Stance.DISAGREE, best=0.99),
        "own": post(author=author, stance=Stance.DISAGREE, best=0.99),
        "answered": post(stance=Stance.DISAGREE, best=0.99, answered_by_author=True),
    }
    return open_posts, others


def test_open_challenges_are_the_unanswered_disagreements_and_examples_best_first(author, debate):
    open_posts, _others = debate

    challenges = desk.open_challenges(author)

    assert [post.id for post in challenges] == [
        open_posts[name].id
        for name in (
            "strong_disagreement",
            "middle_example",
            "weak_disagreement",
            "newer_unvoted",
            "older_unvoted",
        )
    ]


def test_the_desk_page_lists_the_open_challenges_best_first(as_author, debate):
    open_posts, others = debate

    html = as_author.get("/author").text

    assert listed_ids(html) == [
        open_posts[name].id
        for name in (
            "strong_disagreement",
            "middle_example",
            "weak_disagreement",
            "newer_unvoted",
            "older_unvoted",
        )
    ]
    for post in others.values():
        assert f'id="post-{post.id}"' not in challenges_section(html)
    assert "Havnens Bryggeri" in challenges_section(html)


def test_answering_a_challenge_from_the_desk_returns_there_and_removes_it(
    as_author, author, debate
):
    open_posts, _others = debate
    answered = open_posts["strong_disagreement"]

    response = as_author.post(
        f"/posts/{answered.id}/replies",
        data={"body": "Here is my answer.", "next": "/author"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/author"
    db.session.expire_all()
    reply = db.session.scalar(select(Post).where(Post.parent_id == answered.id))
    assert (reply.author_id, reply.body, reply.status) == (
        author.id,
        "Here is my answer.",
        PostStatus.PUBLISHED,
    )
    assert db.session.get(Post, answered.id).answered_by_author is True
    html = as_author.get("/author").text
    assert answered.id not in listed_ids(html)
    assert len(listed_ids(html)) == len(open_posts) - 1


def test_a_reply_by_someone_else_does_not_answer_a_challenge(author, debate, make_user):
    open_posts, _others = debate
    challenge = open_posts["strong_disagreement"]

    add_reply(challenge, make_user(), "I agree with the critic.")

    assert challenge.id in [post.id for post in desk.open_challenges(author)]


def test_the_desk_form_posts_to_the_reply_route_and_comes_back(as_author, debate):
    open_posts, _others = debate
    post_id = open_posts["strong_disagreement"].id

    html = as_author.get("/author").text

    form = challenges_section(html).split(f'<article id="post-{post_id}"', 1)[1]
    form = form.split("</article>", 1)[0]
    assert f'action="/posts/{post_id}/replies"' in form
    assert 'name="next" value="/author"' in form


def test_the_desk_shows_the_figures_first_and_each_challenge_compactly(as_author, debate):
    open_posts, _others = debate

    html = as_author.get("/author").text

    assert html.index('id="articles-heading"') < html.index('id="challenges-heading"')
    assert "5 challenges wait for your answer" in html
    # One reply form per challenge still, but folded: "Answer" opens it.
    assert html.count("<details") >= len(open_posts)


def test_the_desk_filters_by_article(
    as_author, author, debate, make_article, make_thread, make_post
):
    open_posts, _others = debate
    second = make_article(author=author, title="Another of hers")
    elsewhere = make_post(thread=make_thread(article=second), stance=Stance.DISAGREE)

    html = as_author.get(f"/author?article={second.slug}").text

    assert listed_ids(html) == [elsewhere.id]
    assert "1 challenge waits for your answer" in html
    assert (
        f'<option selected value="{second.slug}">' in html
        or f'value="{second.slug}" selected' in html
    )
    assert as_author.get("/author?article=no-such-article").status_code == 200


def test_a_challenge_not_worth_answering_leaves_the_desk_and_is_logged(as_author, author, debate):
    open_posts, _others = debate
    passed = open_posts["weak_disagreement"]

    answer = as_author.post(f"/author/challenges/{passed.id}/pass", data={"next": "/author"})

    assert answer.status_code == 302 and answer.headers["Location"] == "/author"
    assert passed.id not in [post.id for post in desk.open_challenges(author)]
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert (entry.action, entry.post_id, entry.actor_id) == (
        Action.PASS_CHALLENGE,
        passed.id,
        author.id,
    )


def test_only_the_articles_author_passes_over_its_challenges(client, log_in, make_user, debate):
    open_posts, _others = debate
    other_author = make_user("other_author", role=Role.AUTHOR)
    log_in(other_author)

    answer = client.post(f"/author/challenges/{open_posts['weak_disagreement'].id}/pass")

    assert answer.status_code == 403
