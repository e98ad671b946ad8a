"""The thread page loads in a fixed number of SQL statements, however long the debate."""

import pytest

from forum.extensions import db
from forum.models import Stance
from forum.services import posts
from forum.services.posts import Contribution
from tests.conftest import counted_statements

STANCES = [Stance.AGREE, Stance.DISAGREE, Stance.EXAMPLE]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    # What a page costs when it is rendered, not when the visitors' cache answers.
    return {**app_config, "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}


def fill(thread, make_user, contributions: int) -> None:
    users = [make_user() for _ in range(5)]
    for number in range(contributions):
        stance = STANCES[number % 3]
        fields = (
            {"organisation": "Org", "channel": "blog", "effect": "supports"}
            if stance == Stance.EXAMPLE
            else {}
        )
        post = posts.add_contribution(
            thread, users[number % 5], Contribution(stance, f"Point {number}", **fields)
        )
        posts.add_reply(post, users[(number + 1) % 5], f"Reply to {number}")


def statements_for_page(client, url: str) -> int:
    db.session.expire_all()
    with counted_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_thread_page_statement_count_does_not_grow_with_posts(
    app, as_reader, make_thread, make_user, article
):
    app.config["POSTS_PER_PAGE"] = 200
    small = make_thread(article=article, title="Small")
    large = make_thread(article=article, title="Large")
    fill(small, make_user, 5)
    fill(large, make_user, 200)

    as_reader.get("/")  # shows "You are logged in.", which would keep the next page its own
    small_count = statements_for_page(as_reader, f"/threads/{small.id}")
    large_count = statements_for_page(as_reader, f"/threads/{large.id}")

    # The page cache's version, the user; for the page shared between readers the thread
    # with its article, the page count, the page (its balanced order, one query a stance,
    # then its posts), its replies and three for the summary; then the reader's own votes,
    # flags and posts waiting for a moderator, in one, and what they follow (the thread's
    # follow button).
    assert large_count == small_count == 14
    assert "Point 199" in as_reader.get(f"/threads/{large.id}").text


def test_front_and_article_pages_do_not_grow_with_threads(
    client, make_article, make_thread, author
):
    one = make_article(author=author, slug="one")
    many = make_article(author=author, slug="many")
    make_thread(article=one)
    for number in range(30):
        make_thread(article=many, title=f"Thread {number}")
    for number in range(20):
        make_article(author=author, slug=f"extra-{number}")

    assert statements_for_page(client, "/articles/one") == statements_for_page(
        client, "/articles/many"
    )
    front = statements_for_page(client, "/")
    make_article(author=author, slug="one-more")
    assert statements_for_page(client, "/") == front
