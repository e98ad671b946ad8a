"""A form sent twice posts once: the repeat is sent to the first post (DUPLICATE_POST_WINDOW)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import Post, PostStatus, utcnow

CONTRIBUTION = {"stance": "disagree", "body": "Careers pages are read by nobody."}
ALREADY = "You have already posted that. Here it is."


def posts_by(user) -> list[Post]:
    db.session.expire_all()
    return list(db.session.scalars(select(Post).where(Post.author_id == user.id)))


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_a_contribution_sent_twice_is_stored_once_and_the_repeat_goes_to_it(
    as_reader, reader, thread
):
    first = as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    with as_reader.session_transaction() as session:
        session.pop("_flashes", None)  # the first answer's own message

    repeat = as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    assert first.status_code == 302
    [stored] = posts_by(reader)
    assert repeat.status_code == 302
    assert repeat.location == f"/posts/{stored.id}"
    assert flashes(as_reader) == [ALREADY]


def test_a_reply_sent_twice_is_stored_once_and_the_repeat_goes_to_it(as_reader, reader, post):
    data = {"body": "Only for senior roles."}

    first = as_reader.post(f"/posts/{post.id}/replies", data=data)
    repeat = as_reader.post(f"/posts/{post.id}/replies", data=data)

    assert first.status_code == 302
    [stored] = posts_by(reader)
    assert stored.parent_id == post.id
    assert repeat.status_code == 302
    assert repeat.location == f"/posts/{stored.id}"
    assert ALREADY in flashes(as_reader)


def test_a_reply_to_a_reply_sent_twice_is_one_reply(as_reader, reader, reply):
    data = {"body": "Agreed, for juniors it is referrals."}

    as_reader.post(f"/posts/{reply.id}/replies", data=data)
    repeat = as_reader.post(f"/posts/{reply.id}/replies", data=data)

    [stored] = posts_by(reader)
    assert repeat.location == f"/posts/{stored.id}"


def test_the_repeat_is_recognised_with_other_surrounding_whitespace(as_reader, reader, thread):
    as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    again = CONTRIBUTION | {"body": f"  {CONTRIBUTION['body']}\n\n"}

    repeat = as_reader.post(f"/threads/{thread.id}/posts", data=again)

    [stored] = posts_by(reader)
    assert repeat.location == f"/posts/{stored.id}"


def test_a_held_first_post_still_takes_the_repeat(as_reader, reader, thread, article):
    article.hold_posts = True
    db.session.commit()

    as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    repeat = as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    [stored] = posts_by(reader)
    assert stored.status == PostStatus.HELD
    assert repeat.location == f"/posts/{stored.id}"


@pytest.mark.parametrize("other", ["body", "thread", "account"])
def test_the_same_text_elsewhere_or_by_someone_else_is_a_new_post(
    client, log_in, reader, make_user, make_thread, article, thread, other
):
    log_in(reader)
    client.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    target, data = thread.id, CONTRIBUTION
    if other == "body":
        data = CONTRIBUTION | {"body": "Careers pages are read by almost nobody."}
    elif other == "thread":
        target = make_thread(article=article).id
    else:
        client.post("/auth/logout")
        log_in(make_user("other"))

    response = client.post(f"/threads/{target}/posts", data=data)

    assert response.status_code == 302
    assert ALREADY not in flashes(client)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2


def test_the_same_reply_under_another_contribution_is_a_new_reply(
    as_reader, reader, make_post, post
):
    sister = make_post(thread=post.thread)

    as_reader.post(f"/posts/{post.id}/replies", data={"body": "Same words."})
    response = as_reader.post(f"/posts/{sister.id}/replies", data={"body": "Same words."})

    assert response.status_code == 302
    assert ALREADY not in flashes(as_reader)
    assert sorted(reply.parent_id for reply in posts_by(reader)) == [post.id, sister.id]


def test_the_same_text_after_the_window_is_a_new_post(app, as_reader, reader, thread):
    assert app.config["DUPLICATE_POST_WINDOW"] == 300
    as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    db.session.execute(
        update(Post).values(created_at=utcnow() - timedelta(seconds=301)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()

    response = as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    assert response.status_code == 302
    assert len(posts_by(reader)) == 2


def test_a_window_of_zero_turns_the_check_off(app, as_reader, reader, thread):
    app.config["DUPLICATE_POST_WINDOW"] = 0

    as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    assert len(posts_by(reader)) == 2


def test_a_deleted_first_post_does_not_stop_the_text_being_posted_again(as_reader, reader, thread):
    as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)
    [first] = posts_by(reader)
    as_reader.post(f"/posts/{first.id}/delete")

    response = as_reader.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    [again] = [post for post in posts_by(reader) if not post.is_deleted]
    assert response.status_code == 302
    assert ALREADY not in flashes(as_reader)
    assert again.deleted_at is None and again.body == CONTRIBUTION["body"]
