"""Accounts younger than a day may put only a few links in a post (spam costs more)."""

from datetime import timedelta

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, utcnow

THREE_LINKS = (
    "Cheap followers at https://spam.example/a and [here](https://spam.example/b), "
    "or mail <https://spam.example/c> today"
)
TWO_LINKS = "See https://example.org/report and [the survey](https://example.org/survey)."
REFUSED = "New accounts may put at most 2 links in a post"


def posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def contribute(client, thread, body: str):
    return client.post(f"/threads/{thread.id}/posts", data={"stance": "agree", "body": body})


def test_a_new_accounts_contribution_with_too_many_links_is_refused_and_kept(as_reader, thread):
    response = contribute(as_reader, thread, THREE_LINKS)

    assert response.status_code == 422
    assert REFUSED in response.text
    assert "Cheap followers at https://spam.example/a" in response.text
    assert posts() == 0


def test_a_new_account_may_post_a_few_links(as_reader, thread):
    assert contribute(as_reader, thread, TWO_LINKS).status_code == 302
    assert posts() == 1


def test_a_new_accounts_reply_with_too_many_links_is_refused(as_reader, post):
    response = as_reader.post(f"/posts/{post.id}/replies", data={"body": THREE_LINKS})

    assert response.status_code == 422
    assert REFUSED in response.text
    assert "Cheap followers at https://spam.example/a" in response.text
    assert posts() == 1


def test_a_new_account_cannot_edit_links_into_its_post(as_reader, reader, make_post, thread):
    own = make_post(thread=thread, author=reader, body="A plain point.")

    response = as_reader.post(
        f"/posts/{own.id}/edit", data={"stance": "agree", "body": THREE_LINKS}
    )

    assert response.status_code == 422
    assert REFUSED in response.text
    assert "Cheap followers at https://spam.example/a" in response.text
    db.session.expire_all()
    assert db.session.get(Post, own.id).body == "A plain point."


def test_an_account_older_than_a_day_may_post_more_links(as_reader, reader, thread):
    reader.created_at = utcnow() - timedelta(days=1, minutes=1)
    db.session.commit()

    assert contribute(as_reader, thread, THREE_LINKS).status_code == 302
    assert posts() == 1


def test_the_cap_is_a_setting(app, as_reader, thread):
    app.config["NEW_ACCOUNT_MAX_LINKS"] = 0

    response = contribute(as_reader, thread, "Only https://example.org/one")

    assert response.status_code == 422
    assert "New accounts may put no links in a post" in response.text
    assert posts() == 0
