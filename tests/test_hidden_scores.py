"""A new thread's scores are shown only to those who voted on the post, the article's author
and the moderators, until SCORES_HIDDEN_HOURS have passed (so that early votes do not herd)."""

import re
from datetime import timedelta

import pytest

from forum.extensions import db
from forum.models import Role, Thread, utcnow
from forum.services.hidden_scores import reveal_due
from forum.services.posts import Contribution, add_contribution
from forum.services.votes import cast_vote


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return app_config | {"SCORES_HIDDEN_HOURS": 48}


@pytest.fixture
def voted(thread, make_user):
    """A contribution with a score of 2 in a new thread."""
    post = add_contribution(thread, make_user("writer"), Contribution("agree", "Scored."))
    for voter in (make_user("fan1"), make_user("fan2")):
        cast_vote(post.id, voter, 1)
    return post


def widget(html: str, post_id: int) -> str:
    match = re.search(rf'<article id="post-{post_id}".*?</header>', html, re.DOTALL)
    assert match, f"no post {post_id} on the page"
    return match.group(0)


def score_shown(html: str, post_id: int) -> bool:
    card = widget(html, post_id)
    return 'data-score="2"' in card and re.search(r">\s*2( points)?\s*<", card) is not None


def test_a_visitor_is_told_when_the_scores_show(client, thread, voted):
    card = widget(client.get(f"/threads/{thread.id}").text, voted.id)

    assert "Scores are shown after 48 hours" in card
    assert "data-score" not in card and "2 up" not in card and "2 points" not in card


def test_a_reader_sees_the_score_once_they_have_voted(client, log_in, thread, voted, reader):
    log_in(reader)
    before = client.get(f"/threads/{thread.id}").text
    assert "shown after you vote" in widget(before, voted.id)
    assert not score_shown(before, voted.id)

    answer = client.post(
        f"/posts/{voted.id}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
    )
    assert answer.json["score"] == 3  # what forum.js puts in place of the notice

    after = widget(client.get(f"/threads/{thread.id}").text, voted.id)
    assert "shown after you vote" not in after
    assert re.search(r'<output class="score"[^>]*>3</output>', after)


def test_one_readers_score_is_not_shown_to_the_next(client, log_in, thread, voted, make_user):
    first, second = make_user("first"), make_user("second")
    log_in(first)
    client.post(f"/posts/{voted.id}/vote", data={"value": "1"})
    assert "shown after you vote" not in widget(client.get(f"/threads/{thread.id}").text, voted.id)
    client.post("/auth/logout")

    log_in(second)
    card = widget(client.get(f"/threads/{thread.id}").text, voted.id)
    assert "shown after you vote" in card and ">3<" not in card


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_the_articles_author_and_the_moderators_see_every_score(
    client, log_in, thread, voted, author, make_user, who
):
    log_in(author if who == "author" else make_user("mod", role=Role.MODERATOR))

    assert score_shown(client.get(f"/threads/{thread.id}").text, voted.id)


def test_after_the_hours_everyone_sees_the_scores_on_a_page_cached_before(client, thread, voted):
    assert not score_shown(client.get(f"/threads/{thread.id}").text, voted.id)  # now cached
    started = utcnow() - timedelta(hours=48, minutes=1)
    db.session.get(Thread, thread.id).created_at = started
    db.session.commit()

    assert reveal_due(utcnow()) == 1  # the worker's job names the article as changed

    assert score_shown(client.get(f"/threads/{thread.id}").text, voted.id)


def test_an_article_can_show_its_scores_from_the_start(client, log_in, thread, voted, author):
    log_in(author)
    article = thread.article
    form = {
        "title": article.title,
        "body": article.body,
        "questions": article.questions or thread.title,
        "language": article.language,
        "save": "Save",
    }  # the box left unchecked
    assert client.post(f"/articles/{article.slug}/edit", data=form).status_code == 302
    client.post("/auth/logout")

    assert score_shown(client.get(f"/threads/{thread.id}").text, voted.id)


def test_the_summary_shows_no_points_while_scores_are_hidden(client, thread, voted, make_user):
    cast_vote(voted.id, make_user("fan3"), 1)  # three votes: the summary names it

    summary = client.get(f"/threads/{thread.id}").text.split('id="debate-summary"', 1)[1]
    summary = summary.split("</section>", 1)[0]

    assert "Scored." in summary and "points" not in summary
