"""An edited post's earlier versions are there for everyone who may read the post: "edited"
opens them, with the dates each was written and replaced."""

from forum.models import PostStatus, Role, utcnow
from forum.services import deleting, moderation, posts
from forum.services.posts import Contribution
from tests.conftest import purge_deleted


def edited_twice(thread, reader):
    post = posts.add_contribution(thread, reader, Contribution("agree", "First *words*"))
    posts.edit_post(post, reader, Contribution("agree", "Second words"))
    posts.edit_post(post, reader, Contribution("disagree", "Third words"))
    return post


def test_edited_opens_every_earlier_version_with_its_dates(client, thread, reader):
    post = edited_twice(thread, reader)
    page = client.get(f"/threads/{thread.id}").text
    assert f'href="/posts/{post.id}/history"' in page

    history = client.get(f"/posts/{post.id}/history")

    assert history.status_code == 200
    text = history.text
    assert text.index("Third words") < text.index("Second words") < text.index("First")
    assert "<em>words</em>" in text  # earlier versions are shown as they read, rendered
    assert text.count("<time") >= 3
    assert text.count("Agrees") == 2 and text.count("Disagrees") == 1  # each version its stance


def test_a_post_never_edited_has_a_history_of_one(client, thread, make_post):
    post = make_post(thread=thread, body="Only version")

    history = client.get(f"/posts/{post.id}/history")

    assert history.status_code == 200 and "Only version" in history.text


def test_a_hidden_posts_history_is_for_its_author_and_the_moderators(
    client, log_in, thread, reader, make_user
):
    moderator = make_user("moderator", role=Role.MODERATOR)
    post = edited_twice(thread, reader)
    moderation.hide_post(post, moderator, "off_topic", "")

    assert "Second words" not in client.get(f"/posts/{post.id}/history").text
    log_in(reader)
    assert "Second words" in client.get(f"/posts/{post.id}/history").text


def test_a_deleted_posts_history_is_gone(as_reader, reader, thread, make_post):
    post = make_post(thread=thread, author=reader, body="Gone soon", edited_at=utcnow())
    deleting.delete_post(post, reader)
    assert "Gone soon" not in as_reader.get(f"/posts/{post.id}/history").text
    purge_deleted()

    assert as_reader.get(f"/posts/{post.id}/history").status_code == 404


def test_editing_a_hidden_post_sends_it_back_to_the_moderators(
    client, log_in, thread, reader, make_user
):
    moderator = make_user("moderator", role=Role.MODERATOR)
    post = posts.add_contribution(thread, reader, Contribution("agree", "You are all fools"))
    moderation.hide_post(post, moderator, "abusive", "")
    log_in(reader)
    page = client.get(f"/threads/{thread.id}").text
    assert "Edit it to send it to the moderators again" in page

    posts.edit_post(post, reader, Contribution("agree", "I think the argument is weak"))

    assert not post.hidden and post.status == PostStatus.HELD
    assert "Waiting for a moderator" in client.get(f"/threads/{thread.id}").text
    client.post("/auth/logout")
    assert "I think the argument is weak" not in client.get(f"/threads/{thread.id}").text
    log_in(moderator)
    assert "I think the argument is weak" in client.get("/moderation").text
    moderation.approve_post(post, moderator)
    client.post("/auth/logout")
    assert "I think the argument is weak" in client.get(f"/threads/{thread.id}").text


def test_the_moderators_user_page_shows_their_posts_and_the_flags_against_them(
    client, log_in, thread, reader, make_user, make_post
):
    moderator = make_user("moderator", role=Role.MODERATOR)
    flagger = make_user("flagger")
    held = make_post(thread=thread, author=reader, body="Waiting text", status=PostStatus.HELD)
    flagged = make_post(thread=thread, author=reader, body="Rude text")
    moderation.flag_post(flagged, flagger, "abusive", "Name-calling")
    log_in(moderator)

    page = client.get(f"/moderation/users/{reader.username}").text

    posts_part = page[page.index('id="posts-heading"') :]
    assert "Waiting text" in posts_part and "Rude text" in posts_part
    assert f'href="/posts/{held.id}"' in posts_part
    flags_part = page[page.index('id="flags-heading"') :]
    assert "flagger" in flags_part and "Name-calling" in flags_part and "Abusive" in flags_part
