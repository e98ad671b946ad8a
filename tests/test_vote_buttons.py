"""Votes on the thread page: each reader's own vote shown pressed, the figures on every post."""

import re

import pytest

from forum.services.votes import cast_vote


def header_of(html: str, post_id: int) -> str:
    """The header of a post's element on a page: its vote widget and byline."""
    match = re.search(rf'<article id="post-{post_id}"[^>]*>.*?</header>', html, re.DOTALL)
    assert match, f"post-{post_id} not on the page"
    return match.group(0)


def button(header: str, name: str) -> str:
    match = re.search(rf'<button[^>]*class="{name}"[^>]*>', header)
    assert match, f"no {name} button"
    return match.group(0)


@pytest.mark.parametrize(
    ("value", "pressed", "other"), [(1, "vote-up", "vote-down"), (-1, "vote-down", "vote-up")]
)
def test_the_thread_page_shows_my_own_vote_as_pressed(
    as_reader, reader, post, thread, value, pressed, other
):
    cast_vote(post.id, reader, value)

    header = header_of(as_reader.get(f"/threads/{thread.id}").text, post.id)

    assert 'aria-pressed="true"' in button(header, pressed)
    assert 'aria-pressed="false"' in button(header, other)
    # Pressing the pressed button again takes the vote back.
    assert 'value="0"' in button(header, pressed)
    assert f'value="{-value}"' in button(header, other)


def test_without_my_vote_no_button_is_pressed(as_reader, post, thread, make_user):
    cast_vote(post.id, make_user(), 1)

    header = header_of(as_reader.get(f"/threads/{thread.id}").text, post.id)

    assert 'aria-pressed="false"' in button(header, "vote-up")
    assert 'aria-pressed="false"' in button(header, "vote-down")
    assert 'aria-pressed="true"' not in header


def test_my_vote_on_a_reply_is_shown_on_the_reply(as_reader, reader, post, reply, thread):
    cast_vote(reply.id, reader, 1)

    text = as_reader.get(f"/threads/{thread.id}").text

    assert 'aria-pressed="true"' in button(header_of(text, reply.id), "vote-up")
    assert 'aria-pressed="true"' not in header_of(text, post.id)


def test_post_elements_carry_their_figures(as_reader, reader, post, reply, thread, make_user):
    for value in (1, 1, 1, -1):
        cast_vote(post.id, make_user(), value)
    cast_vote(reply.id, reader, -1)

    text = as_reader.get(f"/threads/{thread.id}").text

    opening = re.search(rf'<article id="post-{post.id}"[^>]*>', text).group(0)
    assert 'data-up="3" data-down="1" data-score="2"' in opening
    opening = re.search(rf'<article id="post-{reply.id}"[^>]*>', text).group(0)
    assert 'data-up="0" data-down="1" data-score="-1"' in opening


def test_a_visitor_sees_the_score_but_no_vote_buttons(client, post, thread, make_user):
    for value in (1, 1, 1, 1, -1):
        cast_vote(post.id, make_user(), value)

    text = client.get(f"/threads/{thread.id}").text

    header = header_of(text, post.id)
    assert "3 points" in header
    assert "Log in to vote" in header
    assert 'class="vote-up"' not in text and 'class="vote-down"' not in text
    assert f'formaction="/posts/{post.id}/vote"' not in text and 'id="votes"' not in text


def test_the_author_of_a_post_sees_your_post_instead_of_buttons(
    client, log_in, writer, post, reply, thread
):
    log_in(writer)

    text = client.get(f"/threads/{thread.id}").text

    own = header_of(text, post.id)
    assert "Your post" in own
    assert "<button" not in own
    assert 'class="vote-up"' in header_of(text, reply.id)


@pytest.mark.parametrize("closed", ["locked", "closed"])
def test_where_voting_is_closed_the_buttons_say_why(
    as_reader, make_post, make_thread, locked_thread, closed_article, closed
):
    where = locked_thread if closed == "locked" else make_thread(article=closed_article)
    shut = make_post(thread=where)

    header = header_of(as_reader.get(f"/threads/{where.id}").text, shut.id)

    assert "Voting is closed" in header
    assert "<button" not in header
