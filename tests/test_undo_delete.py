"""Deleting a post can be undone by its author for a while; then the sweep purges it."""

import pytest
from sqlalchemy import select

from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Post, PostRevision
from forum.services import account_data, deleting
from forum.services.posts import Contribution, add_contribution, add_reply, edit_post
from forum.services.votes import cast_vote
from tests.conftest import PASSWORD, purge_deleted
from tests.test_posts_service import assert_figures, reload_post


def run_out(post: Post) -> None:
    """As if the post had been deleted just over its undo's time ago."""
    stored = reload_post(post.id)
    stored.deleted_at -= Post.UNDO_WINDOW
    db.session.commit()


@pytest.fixture
def post(thread, reader, make_user) -> Post:
    post = add_contribution(thread, reader, Contribution("disagree", "Nobody applies via TikTok."))
    edit_post(post, reader, Contribution("disagree", "Nobody we hired applied via TikTok."))
    cast_vote(post.id, make_user("voter"), 1)
    return reload_post(post.id)


# The service


def test_undo_puts_the_post_back_with_its_votes_revisions_and_figures(thread, post, reader):
    deleting.delete_post(post, reader)
    assert_figures(thread)

    deleting.undo_delete(reload_post(post.id), reader)

    back = reload_post(post.id)
    assert not back.is_deleted and back.is_listed
    assert back.body == "Nobody we hired applied via TikTok."
    assert (back.up, back.score) == (1, 1)
    assert [revision.body for revision in back.revisions] == ["Nobody applies via TikTok."]
    assert_figures(thread, disagree=1)
    assert purge_deleted() == 0


def test_only_the_author_can_undo(post, reader, make_user):
    deleting.delete_post(post, reader)

    with pytest.raises(NotAllowed):
        deleting.undo_delete(reload_post(post.id), make_user("someone"))

    assert reload_post(post.id).is_deleted


def test_once_the_undo_has_run_out_it_is_refused_and_the_sweep_purges(thread, post, reader):
    deleting.delete_post(post, reader)
    assert deleting.purge_due(post.deleted_at) == 0  # not before its time
    run_out(post)

    with pytest.raises(NotAllowed):
        deleting.undo_delete(reload_post(post.id), reader)

    assert purge_deleted() == 1
    assert reload_post(post.id) is None
    assert db.session.scalars(select(PostRevision)).all() == []
    assert_figures(thread)


def test_a_placeholder_kept_for_its_replies_cannot_be_undone_once_purged(post, reader, make_user):
    add_reply(post, make_user("replier"), "I did, though.")
    deleting.delete_post(reload_post(post.id), reader)
    purge_deleted()

    placeholder = reload_post(post.id)
    assert placeholder.is_deleted and placeholder.body == ""
    with pytest.raises(NotAllowed):
        deleting.undo_delete(placeholder, reader)


def test_undoing_the_authors_answer_marks_the_contribution_answered_again(post, author):
    answer = add_reply(post, author, "We measured it.")
    deleting.delete_post(answer, author)
    assert reload_post(post.id).answered_by_author is False

    deleting.undo_delete(reload_post(answer.id), author)

    assert reload_post(post.id).answered_by_author is True


def test_a_contribution_whose_undo_is_open_outlives_the_purge_of_its_last_reply(
    post, reader, make_user
):
    replier = make_user("replier")
    reply = add_reply(post, replier, "Gone first.")
    deleting.delete_post(reply, replier)
    run_out(reply)
    deleting.delete_post(reload_post(post.id), reader)

    assert purge_deleted() == 2
    assert reload_post(reply.id) is None
    assert reload_post(post.id) is None


def test_deleting_the_account_purges_a_post_deleted_a_moment_ago(post, reader):
    deleting.delete_post(post, reader)

    account_data.delete_account(reload_post(post.id).author, PASSWORD, "remove")

    assert reload_post(post.id) is None


# Through the pages


def test_the_author_lands_on_the_placeholder_with_an_undo_and_others_see_none(
    client, log_in, thread, post, reader, make_user
):
    log_in(reader)
    response = client.post(f"/posts/{post.id}/delete")
    assert response.headers["Location"] == f"/posts/{post.id}"

    page = client.get(f"/threads/{thread.id}").text
    assert "This contribution was deleted by its author." in page
    assert "Nobody we hired" not in page
    assert f'action="/posts/{post.id}/undo-delete"' in page
    assert "You deleted this post. You can undo that until" in page

    client.post("/auth/logout")
    page = client.get(f"/threads/{thread.id}").text
    assert "undo-delete" not in page and "Nobody we hired" not in page
    log_in(make_user("onlooker"))
    page = client.get(f"/threads/{thread.id}").text
    assert "onlooker" in page and "undo-delete" not in page


def test_undo_brings_the_post_back_on_the_page(client, log_in, thread, post, reader):
    log_in(reader)
    client.post(f"/posts/{post.id}/delete")
    client.get(f"/threads/{thread.id}")  # cached with the placeholder

    response = client.post(f"/posts/{post.id}/undo-delete", follow_redirects=True)

    assert "Your post is back." in response.text
    assert "Nobody we hired applied via TikTok." in client.get(f"/threads/{thread.id}").text


def test_an_undo_too_late_says_so_and_changes_nothing(client, log_in, post, reader):
    log_in(reader)
    client.post(f"/posts/{post.id}/delete")
    run_out(post)

    response = client.post(f"/posts/{post.id}/undo-delete", follow_redirects=True)

    assert response.status_code == 200
    assert "That post can no longer be restored." in response.text
    assert reload_post(post.id).is_deleted


def test_a_deleted_reply_shows_as_deleted_until_it_is_purged(
    client, log_in, thread, post, make_user
):
    replier = make_user("replier")
    reply = add_reply(post, replier, "A reply with regrets.")
    log_in(replier)
    client.post(f"/posts/{reply.id}/delete")

    page = client.get(f"/threads/{thread.id}").text
    assert "This reply was deleted by its author." in page
    assert "regrets" not in page
    assert f'action="/posts/{reply.id}/undo-delete"' in page

    purge_deleted()
    assert "This reply was deleted" not in client.get(f"/threads/{thread.id}").text
