"""A page past a listing's last is no page (404, with links back); an empty listing says so."""

import pytest

from forum.services.listings import PROFILE_PER_PAGE

EMPTY_FORUM = "No articles have been published yet."


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "ARTICLES_PER_PAGE": 2}


@pytest.fixture
def three_articles(make_article, author) -> None:
    for number in range(3):
        make_article(author=author, title=f"Column {number}")


def test_an_empty_forum_says_so_on_its_first_page(client):
    response = client.get("/")

    assert response.status_code == 200
    assert EMPTY_FORUM in response.text


def test_a_page_past_the_last_is_no_page_and_links_to_the_first_and_last(client, three_articles):
    response = client.get("/?page=3")

    assert response.status_code == 404
    assert "There is no page 3 here." in response.text
    assert '<a href="/">Go to the first page</a>' in response.text
    assert '<a href="/?page=2">Go to the last page (2)</a>' in response.text
    assert EMPTY_FORUM not in response.text
    assert "Column" not in response.text


def test_the_links_keep_the_sort(client, three_articles):
    response = client.get("/?sort=active&page=5")

    assert response.status_code == 404
    assert '<a href="/?sort=active">Go to the first page</a>' in response.text
    assert '<a href="/?page=2&amp;sort=active">Go to the last page (2)</a>' in response.text


def test_the_pages_that_exist_are_listed(client, three_articles):
    first, last = client.get("/"), client.get("/?page=2")

    assert (first.status_code, last.status_code) == (200, 200)
    assert first.text.count('class="article-summary"') == 2
    assert last.text.count('class="article-summary"') == 1
    assert "There is no page" not in first.text + last.text


def test_an_empty_forum_has_no_second_page(client):
    response = client.get("/?page=2")

    assert response.status_code == 404
    assert "There is no page 2 here." in response.text
    assert '<a href="/">Go to the first page</a>' in response.text
    assert "Go to the last page" not in response.text
    assert EMPTY_FORUM not in response.text


def test_a_profile_past_its_last_page_is_no_page(client, writer, thread, make_post):
    for _ in range(PROFILE_PER_PAGE + 1):
        make_post(thread=thread, author=writer)

    response = client.get("/users/writer?page=3")

    assert response.status_code == 404
    assert "There is no page 3 here." in response.text
    assert '<a href="/users/writer">Go to the first page</a>' in response.text
    assert '<a href="/users/writer?page=2">Go to the last page (2)</a>' in response.text
    assert "No contributions yet." not in response.text
    assert client.get("/users/writer?page=2").status_code == 200


def test_a_profile_without_posts_says_so_and_has_no_second_page(client, writer):
    first = client.get("/users/writer")
    second = client.get("/users/writer?page=2")

    assert first.status_code == 200
    assert "No contributions yet." in first.text
    assert second.status_code == 404
    assert "No contributions yet." not in second.text
    assert '<a href="/users/writer">Go to the first page</a>' in second.text


def test_no_page_links_to_pages_that_do_not_exist_either(client, three_articles):
    response = client.get("/?page=9")

    assert "/?page=8" not in response.text
    assert 'rel="prev"' not in response.text
