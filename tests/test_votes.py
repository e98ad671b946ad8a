"""Voting: the rules through the service and through HTTP, with exact stored figures."""

import pytest
from sqlalchemy import func, select

from forum import ranking
from forum.errors import DiscussionClosed, InvalidInput, PostDeleted, ThreadLocked
from forum.extensions import db
from forum.models import Post, PostStatus, Vote
from forum.services.deleting import delete_post
from forum.services.votes import SelfVote, cast_vote

FIGURES = ("up", "down", "score", "best", "controversy")


def stored(post_id: int) -> dict:
    """The figures stored on the post, read fresh from the database."""
    db.session.expire_all()
    row = db.session.get(Post, post_id)
    return {name: getattr(row, name) for name in FIGURES}


def from_votes(post_id: int, z: float = ranking.DEFAULT_Z) -> dict:
    """The figures that follow from the rows in the votes table."""
    values = db.session.scalars(select(Vote.value).where(Vote.post_id == post_id)).all()
    up, down = values.count(1), values.count(-1)
    return {
        "up": up,
        "down": down,
        "score": ranking.net_score(up, down),
        "best": pytest.approx(ranking.wilson_lower_bound(up, down, z)),
        "controversy": pytest.approx(ranking.controversy(up, down)),
    }


def vote_count(post_id: int | None = None) -> int:
    query = select(func.count()).select_from(Vote)
    if post_id is not None:
        query = query.where(Vote.post_id == post_id)
    return db.session.scalar(query)


def nothing_stored(post_id: int) -> bool:
    return vote_count() == 0 and stored(post_id) == dict.fromkeys(FIGURES, 0)


def vote(client, post_id: int, value, json: bool = False, **data):
    headers = {"Accept": "application/json"} if json else {}
    form = {"value": value, **data} if value is not None else data
    return client.post(f"/posts/{post_id}/vote", data=form, headers=headers)


# The service


def test_a_vote_up_then_down_then_back_keeps_the_figures_equal_to_the_votes(
    post, reader, make_user
):
    cast_vote(post.id, make_user(), 1)
    cast_vote(post.id, make_user(), -1)

    steps = [(1, (2, 1), 3), (-1, (1, 2), 3), (0, (1, 1), 2)]
    for value, (up, down), rows in steps:
        tally = cast_vote(post.id, reader, value)

        assert (tally.up, tally.down, tally.score, tally.my_vote) == (up, down, up - down, value)
        assert stored(post.id) == from_votes(post.id)
        assert (stored(post.id)["up"], stored(post.id)["down"]) == (up, down)
        assert vote_count(post.id) == rows


def test_a_changed_vote_replaces_the_old_one(post, reader):
    cast_vote(post.id, reader, 1)
    cast_vote(post.id, reader, -1)

    assert db.session.execute(select(Vote.user_id, Vote.value)).all() == [(reader.id, -1)]


def test_the_same_vote_twice_counts_once(post, reader):
    cast_vote(post.id, reader, 1)
    tally = cast_vote(post.id, reader, 1)

    assert (tally.up, tally.down, tally.my_vote) == (1, 0, 1)
    assert vote_count() == 1
    assert stored(post.id) == from_votes(post.id)


def test_taking_back_a_vote_never_cast_changes_nothing(post, reader):
    tally = cast_vote(post.id, reader, 0)

    assert (tally.up, tally.down, tally.score, tally.my_vote) == (0, 0, 0, 0)
    assert nothing_stored(post.id)


def test_the_best_ranking_uses_the_configured_z(app, post, reader):
    app.config["WILSON_Z"] = 1.96

    cast_vote(post.id, reader, 1)

    assert stored(post.id)["best"] == pytest.approx(ranking.wilson_lower_bound(1, 0, 1.96))


def test_votes_on_replies_keep_their_figures_exact(reply, reader, make_user):
    cast_vote(reply.id, reader, 1)
    cast_vote(reply.id, make_user(), -1)

    assert stored(reply.id) == from_votes(reply.id)
    assert (stored(reply.id)["up"], stored(reply.id)["down"]) == (1, 1)
    assert stored(reply.parent_id) == dict.fromkeys(FIGURES, 0)


def test_nobody_votes_on_their_own_post(post, writer):
    with pytest.raises(SelfVote):
        cast_vote(post.id, writer, 1)
    assert nothing_stored(post.id)


def test_nobody_votes_in_a_locked_thread(locked_thread, make_post, reader):
    locked = make_post(thread=locked_thread)
    with pytest.raises(ThreadLocked):
        cast_vote(locked.id, reader, 1)
    assert nothing_stored(locked.id)


def test_nobody_votes_under_a_closed_article(closed_article, make_thread, make_post, reader):
    closed = make_post(thread=make_thread(article=closed_article))
    with pytest.raises(DiscussionClosed):
        cast_vote(closed.id, reader, 1)
    assert nothing_stored(closed.id)


def test_nobody_votes_on_a_deleted_post(post, reply, writer, reader):
    delete_post(post, writer)
    with pytest.raises(PostDeleted):
        cast_vote(post.id, reader, 1)
    assert nothing_stored(post.id)


@pytest.mark.parametrize("value", [2, -2, 10])
def test_a_vote_is_one_minus_one_or_zero(post, reader, value):
    with pytest.raises(InvalidInput):
        cast_vote(post.id, reader, value)
    assert nothing_stored(post.id)


# Through HTTP


def test_voting_up_down_and_back_over_http_keeps_the_figures_equal_to_the_votes(
    as_reader, post, make_user
):
    cast_vote(post.id, make_user(), 1)

    for value, (up, down), rows in [("1", (2, 0), 2), ("-1", (1, 1), 2), ("0", (1, 0), 1)]:
        response = vote(as_reader, post.id, value)

        assert response.status_code == 302
        assert stored(post.id) == from_votes(post.id)
        assert (stored(post.id)["up"], stored(post.id)["down"]) == (up, down)
        assert vote_count(post.id) == rows


def test_a_json_vote_answers_the_new_figures_and_my_vote(as_reader, post, make_user):
    cast_vote(post.id, make_user(), -1)
    cast_vote(post.id, make_user(), -1)

    response = vote(as_reader, post.id, "1", json=True)

    assert response.status_code == 200
    assert response.get_json() == {"up": 1, "down": 2, "score": -1, "my_vote": 1}
    assert stored(post.id) == from_votes(post.id)


def test_a_json_vote_taken_back_answers_my_vote_zero(as_reader, post):
    vote(as_reader, post.id, "-1", json=True)

    response = vote(as_reader, post.id, "0", json=True)

    assert response.get_json() == {"up": 0, "down": 0, "score": 0, "my_vote": 0}
    assert vote_count() == 0


def test_votes_on_replies_work_over_http(as_reader, reply):
    response = vote(as_reader, reply.id, "-1", json=True)

    assert response.get_json() == {"up": 0, "down": 1, "score": -1, "my_vote": -1}
    assert stored(reply.id) == from_votes(reply.id)
    assert db.session.scalars(select(Vote.post_id)).all() == [reply.id]


@pytest.mark.parametrize(
    ("next_path", "back"),
    [
        ("/threads/{thread}?sort=top&stance=agree", "/threads/{thread}?sort=top&stance=agree"),
        ("/threads/{thread}?page=2#post-999", "/threads/{thread}?page=2"),
        ("/articles/employer-branding", "/articles/employer-branding"),
    ],
)
def test_a_form_vote_returns_to_the_local_next_path_at_the_post(
    as_reader, post, thread, next_path, back
):
    response = vote(as_reader, post.id, "1", next=next_path.format(thread=thread.id))

    assert response.status_code == 302
    assert response.headers["Location"] == f"{back.format(thread=thread.id)}#post-{post.id}"


@pytest.mark.parametrize(
    "next_path",
    ["https://evil.example/", "//evil.example/threads/1", "javascript:alert(1)", "", None],
)
def test_a_form_vote_with_a_foreign_or_missing_next_returns_to_the_permalink(
    as_reader, post, next_path
):
    data = {} if next_path is None else {"next": next_path}

    response = vote(as_reader, post.id, "1", **data)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/posts/{post.id}#post-{post.id}"
    assert vote_count() == 1


def test_a_form_vote_on_a_reply_returns_to_the_reply(as_reader, reply, thread):
    response = vote(as_reader, reply.id, "1", next=f"/threads/{thread.id}")

    assert response.headers["Location"] == f"/threads/{thread.id}#post-{reply.id}"


def test_voting_on_your_own_post_is_a_403_and_stores_nothing(client, log_in, writer, post):
    log_in(writer)

    response = vote(client, post.id, "1")

    assert response.status_code == 403
    assert "You cannot vote on your own post." in response.text
    assert nothing_stored(post.id)


def test_a_json_self_vote_answers_a_json_error(client, log_in, writer, post):
    log_in(writer)

    response = vote(client, post.id, "1", json=True)

    assert response.status_code == 403
    assert response.get_json() == {"error": "You cannot vote on your own post.", "status": 403}
    assert nothing_stored(post.id)


def test_voting_in_a_locked_thread_is_a_403(as_reader, locked_thread, make_post):
    locked = make_post(thread=locked_thread)

    response = vote(as_reader, locked.id, "1", json=True)

    assert response.status_code == 403
    assert response.get_json()["status"] == 403
    assert "locked" in response.get_json()["error"]
    assert nothing_stored(locked.id)


def test_voting_under_a_closed_article_is_a_403(as_reader, closed_article, make_thread, make_post):
    closed = make_post(thread=make_thread(article=closed_article))

    response = vote(as_reader, closed.id, "1")

    assert response.status_code == 403
    assert "The discussion of this article is closed." in response.text
    assert nothing_stored(closed.id)


def test_voting_on_a_deleted_post_is_a_409(as_reader, post, reply, writer):
    delete_post(post, writer)

    response = vote(as_reader, post.id, "1", json=True)

    assert response.status_code == 409
    assert response.get_json() == {"error": "That post has been deleted.", "status": 409}
    assert nothing_stored(post.id)


def test_a_visitor_who_votes_by_form_is_sent_to_log_in(client, post, thread):
    response = client.post(
        f"/posts/{post.id}/vote",
        data={"value": "1"},
        headers={"Referer": f"http://localhost/threads/{thread.id}"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=/threads/{thread.id}"
    assert nothing_stored(post.id)


def test_a_visitor_who_votes_by_script_gets_a_json_401(client, post):
    response = vote(client, post.id, "1", json=True)

    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 401 and body["error"]
    assert nothing_stored(post.id)


@pytest.mark.parametrize("value", ["2", "-2", "abc", "", "1.0", None])
def test_an_invalid_vote_is_a_422_and_stores_nothing(as_reader, post, value):
    response = vote(as_reader, post.id, value)

    assert response.status_code == 422
    assert nothing_stored(post.id)


@pytest.mark.parametrize("value", ["2", "abc", None])
def test_an_invalid_json_vote_answers_a_json_error(as_reader, post, value):
    response = vote(as_reader, post.id, value, json=True)

    assert response.status_code == 422
    assert response.get_json() == {
        "error": "A vote is 1 (up), -1 (down) or 0 (take it back).",
        "status": 422,
    }
    assert nothing_stored(post.id)


def test_voting_on_a_missing_post_is_a_404(as_reader):
    assert vote(as_reader, 12345, "1").status_code == 404
    assert vote_count() == 0


def test_posts_held_for_review_are_a_404_to_other_voters_and_take_no_vote(
    as_reader, make_post, reader
):
    held = make_post(status=PostStatus.HELD)
    under_held = make_post(parent=make_post(status=PostStatus.HELD))
    hidden = make_post(hidden=True)

    for post in (held, under_held):
        assert vote(as_reader, post.id, "1", json=True).status_code == 404
        assert nothing_stored(post.id)
    # A hidden post is still there for everyone, as a placeholder: it takes no votes.
    assert vote(as_reader, hidden.id, "1", json=True).status_code == 409
    assert nothing_stored(hidden.id)


def test_voting_needs_a_post_request(as_reader, post):
    assert as_reader.get(f"/posts/{post.id}/vote").status_code == 405
