"""Replying: a "Reply" link under each contribution and each reply, the one reply form of a
thread page, and the reply page that the link leads to without JavaScript (and that a refused
reply comes back to)."""

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Role
from forum.services import moderation


def count_replies() -> int:
    return db.session.scalar(select(func.count()).where(Post.parent_id.is_not(None)))


def reply_link(html: str, post_id: int) -> re.Match | None:
    return re.search(rf'<a href="/posts/{post_id}/reply" data-reply="([^"]+)">Reply</a>', html)


def test_each_post_has_a_reply_link_and_the_page_one_reply_form(as_reader, post, reply):
    html = as_reader.get(f"/threads/{post.thread_id}").text

    link = reply_link(html, post.id)
    assert link and link.group(1) == f"/posts/{post.id}/replies"
    # An answer to a reply goes under the same contribution, saying which reply it answers.
    link = reply_link(html, reply.id)
    assert link and link.group(1) == f"/posts/{reply.id}/replies"
    assert html.count('<template id="reply-composer">') == 1
    composer = html.split('<template id="reply-composer">', 1)[1].split("</template>", 1)[0]
    assert 'name="csrf_token"' in composer and 'name="body"' in composer


def test_visitors_get_no_reply_link(client, post):
    html = client.get(f"/threads/{post.thread_id}").text

    assert reply_link(html, post.id) is None
    assert 'id="reply-composer"' not in html


def test_locked_thread_gets_no_reply_link(as_reader, locked_thread, make_post):
    contribution = make_post(thread=locked_thread)

    html = as_reader.get(f"/threads/{locked_thread.id}").text

    assert reply_link(html, contribution.id) is None
    assert 'id="reply-composer"' not in html


def test_reply_page_quotes_the_contribution_and_posts_under_it(as_reader, post):
    page = as_reader.get(f"/posts/{post.id}/reply")

    assert page.status_code == 200
    assert "Hiring posts work." in page.text
    assert f'action="/posts/{post.id}/replies"' in page.text

    response = as_reader.post(f"/posts/{post.id}/replies", data={"body": "From the page."})
    assert response.status_code == 302
    replied = db.session.scalar(select(Post).where(Post.body == "From the page."))
    assert replied.parent_id == post.id


def test_reply_page_of_a_reply_quotes_the_reply_and_answers_it(as_reader, post, reply):
    page = as_reader.get(f"/posts/{reply.id}/reply")

    assert page.status_code == 200
    assert f'action="/posts/{reply.id}/replies"' in page.text
    assert reply.body in page.text

    as_reader.post(f"/posts/{reply.id}/replies", data={"body": "Answering the reply."})
    answer = db.session.scalar(select(Post).where(Post.body == "Answering the reply."))
    assert (answer.parent_id, answer.reply_to_id) == (post.id, reply.id)


def test_reply_page_asks_visitors_to_log_in(client, post):
    response = client.get(f"/posts/{post.id}/reply")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_reply_page_of_a_locked_thread_says_why_and_goes_back(as_reader, locked_thread, make_post):
    contribution = make_post(thread=locked_thread)

    response = as_reader.get(f"/posts/{contribution.id}/reply", follow_redirects=True)

    assert response.request.path == f"/threads/{locked_thread.id}"
    assert "This thread is locked" in response.text


def test_unknown_post_has_no_reply_page(as_reader):
    assert as_reader.get("/posts/999/reply").status_code == 404


def test_refused_reply_comes_back_on_the_reply_page_with_the_text(as_reader, post):
    too_long = "Long. " * 4000

    response = as_reader.post(f"/posts/{post.id}/replies", data={"body": too_long})

    assert response.status_code == 422
    assert "At most 20,000 characters." in response.text
    assert "Hiring posts work." in response.text  # what they were answering
    assert too_long.strip() in response.text
    assert 'id="body"' in response.text and 'aria-invalid="true"' in response.text
    assert count_replies() == 0


def test_empty_reply_is_refused_and_says_why(as_reader, post):
    response = as_reader.post(f"/posts/{post.id}/replies", data={"body": "   "})

    assert response.status_code == 422
    assert "Write something first." in response.text
    assert count_replies() == 0


@pytest.fixture
def hidden_post(post, make_user):
    moderation.hide_post(post, make_user("mod", role=Role.MODERATOR), "spam")
    return post


def test_reply_to_a_post_a_moderator_hid_is_refused(as_reader, hidden_post):
    response = as_reader.post(f"/posts/{hidden_post.id}/replies", data={"body": "Still here?"})

    assert response.status_code == 409
    assert "That post is not open for replies." in response.text
    assert count_replies() == 0


def test_refused_reply_to_a_hidden_post_does_not_show_its_text(as_reader, hidden_post):
    response = as_reader.post(f"/posts/{hidden_post.id}/replies", data={"body": ""})

    assert response.status_code == 422
    assert "Hiring posts work." not in response.text
    assert "Hidden by a moderator: Spam." in response.text
