"""Posting from a thread page: a refused form lands where it is, with the errors listed; a
posted one comes back in the order the reader was reading; odd listing parameters fall back."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post


def newest() -> Post:
    return db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))


def test_the_contribution_form_sends_the_reader_back_to_itself(as_reader, thread):
    page = as_reader.get(f"/threads/{thread.id}?sort=top").text

    assert f'action="/threads/{thread.id}/posts?sort=top"' in page


def test_a_refused_contribution_lists_its_errors_and_focuses_the_first(as_reader, thread):
    refused = as_reader.post(f"/threads/{thread.id}/posts", data={"stance": "example", "body": ""})

    assert refused.status_code == 422
    summary = re.search(r'<ul class="error-summary">(.*?)</ul>', refused.text, re.S).group(1)
    assert '<a href="#body">Your contribution</a>' in summary
    (focused,) = re.findall(r"<(?:input|textarea|select)[^>]*autofocus[^>]*>", refused.text)
    assert 'id="body"' in focused


def test_an_example_without_its_organisation_focuses_that_field(as_reader, thread):
    refused = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "example", "body": "We tried it"}
    )

    assert '<a href="#organisation">Organisation</a>' in refused.text
    (focused,) = re.findall(r"<(?:input|textarea|select)[^>]*autofocus[^>]*>", refused.text)
    assert 'id="organisation"' in focused


def test_a_refused_stance_focuses_the_first_choice(as_reader, thread):
    refused = as_reader.post(f"/threads/{thread.id}/posts", data={"body": "A point"})

    assert '<a href="#stance-0">Your stance</a>' in refused.text
    (focused,) = re.findall(r"<input[^>]*autofocus[^>]*>", refused.text)
    assert 'id="stance-0"' in focused


@pytest.mark.parametrize("sort", ["balanced", "best", "top", "new", "old", "controversial"])
def test_a_posted_contribution_is_shown_in_the_readers_sort(
    as_reader, thread, make_post, sort, app
):
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(5):
        make_post(thread=thread, body=f"Earlier {number}", score=number, best=number / 10)

    posted = as_reader.post(
        f"/threads/{thread.id}/posts?sort={sort}", data={"stance": "agree", "body": "Mine"}
    )

    assert posted.status_code == 302
    post = newest()
    location = posted.headers["Location"]
    assert (sort == "balanced") != (f"sort={sort}" in location)  # the default is left out
    assert location.endswith(f"#post-{post.id}")
    assert f'id="post-{post.id}"' in as_reader.get(location).text


def test_a_posted_reply_is_shown_in_the_readers_sort(as_reader, thread, make_post):
    parent = make_post(thread=thread, body="A contribution")

    posted = as_reader.post(f"/posts/{parent.id}/replies?sort=top", data={"body": "An answer"})

    location = posted.headers["Location"]
    reply = newest()
    assert "sort=top" in location and location.endswith(f"#post-{reply.id}")
    assert f'id="post-{reply.id}"' in as_reader.get(location).text


def test_a_permalink_in_another_sort_finds_the_page_holding_the_post(
    client, thread, make_post, app
):
    app.config["POSTS_PER_PAGE"] = 2
    posts = [make_post(thread=thread, body=f"Post {n}", score=n) for n in range(5)]

    answer = client.get(f"/posts/{posts[0].id}?sort=top")

    # Lowest score: the last of five, on page 3 of "top".
    assert answer.headers["Location"].endswith(f"sort=top&page=3#post-{posts[0].id}")


@pytest.mark.parametrize(
    ("query", "fixed"),
    [
        ("per_page=500", "per_page=200"),
        ("per_page=0", "per_page=1"),
        ("per_page=-3", "per_page=1"),
        ("per_page=many", "per_page=50"),
        ("sort=bogus&stance=agree", "sort=balanced&stance=agree"),
        ("stance=nonsense&sort=top", "sort=top"),
    ],
)
def test_odd_listing_parameters_lead_to_the_page_that_makes_sense(client, thread, query, fixed):
    answer = client.get(f"/threads/{thread.id}?{query}")

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/threads/{thread.id}?{fixed}"
    assert client.get(answer.headers["Location"]).status_code == 200


def test_too_many_per_page_shows_the_most_allowed(client, thread, make_post):
    for number in range(3):
        make_post(thread=thread, body=f"Post {number}")

    page = client.get(f"/threads/{thread.id}?per_page=500", follow_redirects=True).text

    assert page.count('class="post contribution') == 3


def test_a_visitor_logs_in_to_vote_and_comes_back_to_the_post(client, thread, make_post):
    post = make_post(thread=thread)

    page = client.get(f"/threads/{thread.id}").text

    assert f'href="/auth/login?next=/posts/{post.id}"' in page


def test_a_locked_thread_has_no_empty_contribution_heading(as_reader, locked_thread):
    page = as_reader.get(f"/threads/{locked_thread.id}").text

    assert "Your contribution" not in page


def test_delete_asks_first_on_a_page_that_works_without_javascript(
    as_reader, reader, thread, make_post
):
    post = make_post(thread=thread, author=reader, body="Something I regret")
    page = as_reader.get(f"/threads/{thread.id}").text
    assert f'href="/posts/{post.id}/delete"' in page

    asked = as_reader.get(f"/posts/{post.id}/delete")

    assert asked.status_code == 200
    assert "Delete this post?" in asked.text and "Something I regret" in asked.text
    assert f'action="/posts/{post.id}/delete"' in asked.text
    assert db.session.get(Post, post.id) is not None

    done = as_reader.post(f"/posts/{post.id}/delete")

    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, post.id).is_deleted  # (its author can undo it for a while)


def test_only_the_author_is_asked_to_delete(client, log_in, make_user, thread, make_post):
    post = make_post(thread=thread)
    log_in(make_user("someone_else"))

    assert client.get(f"/posts/{post.id}/delete").status_code == 403


def test_preview_without_javascript_shows_the_post_and_keeps_the_form(as_reader, thread):
    shown = as_reader.post(
        f"/threads/{thread.id}/posts",
        data={"stance": "agree", "body": "A **bold** claim", "preview": "1"},
    )

    assert shown.status_code == 200
    assert "<strong>bold</strong>" in shown.text
    assert "A **bold** claim</textarea>" in shown.text
    assert db.session.scalar(select(Post.id)) is None


def test_the_form_says_that_markdown_works(as_reader, thread):
    page = as_reader.get(f"/threads/{thread.id}").text

    assert "Markdown works" in page
    assert 'name="preview"' in page


def test_a_reply_can_be_previewed_on_its_own_page(as_reader, thread, make_post):
    post = make_post(thread=thread)

    shown = as_reader.post(f"/posts/{post.id}/replies", data={"body": "_quietly_", "preview": "1"})

    assert shown.status_code == 200 and "<em>quietly</em>" in shown.text
    assert db.session.scalar(select(Post.id).where(Post.parent_id == post.id)) is None


def test_a_thread_page_past_the_last_says_so_and_links_back(client, thread, make_post, app):
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(3):
        make_post(thread=thread, body=f"Post {number}")

    answer = client.get(f"/threads/{thread.id}?page=5&sort=new")

    assert answer.status_code == 404
    assert "There is no page 5 here." in answer.text
    assert "Be the first" not in answer.text
    assert f'href="/threads/{thread.id}?page=2&amp;sort=new"' in answer.text
