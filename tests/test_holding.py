"""Screening new posts: blocked words are refused, watched words and new accounts are held."""

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Article, Post, PostRevision, PostStatus, Role, Thread, User
from forum.services import moderation, sessions
from forum.services.posts import Contribution, add_contribution, add_reply, edit_post
from forum.services.settings import load_settings, save_settings
from forum.services.summaries import article_summary, thread_summary

FIGURES = ("agree_count", "disagree_count", "example_count", "reply_count")
NO_FIGURES = dict.fromkeys(FIGURES, 0)


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod", role=Role.MODERATOR)


@pytest.fixture
def held_article(make_article, author) -> Article:
    return make_article(author=author, slug="held", hold_posts=True)


@pytest.fixture
def held_thread(make_thread, held_article) -> Thread:
    return make_thread(article=held_article)


def configure(moderator: User, hold_first: int = 0, watched: str = "", blocked: str = "") -> None:
    save_settings(moderator, hold_first, watched, blocked)


def agree(body: str) -> Contribution:
    return Contribution(stance="agree", body=body)


def count_posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def figures(model, key: int) -> dict[str, int]:
    db.session.expire_all()
    row = db.session.get(model, key)
    return {name: getattr(row, name) for name in FIGURES}


def status_of(post: Post) -> PostStatus:
    db.session.expire_all()
    return db.session.get(Post, post.id).status


# --- blocked words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocked", "body", "word"),
    [
        ("class", "This is class warfare.", "class"),
        ("class", "CLASS warfare, again.", "class"),
        ("Class", "A matter of class.", "class"),
        ("idiot\nclass", "Only an Idiot would say so.", "idiot"),
        ("idiot, bad faith", "You argue in BAD FAITH here.", "bad faith"),
    ],
)
def test_a_blocked_word_refuses_the_post_and_stores_nothing(
    thread, writer, moderator, blocked, body, word
):
    configure(moderator, blocked=blocked)

    with pytest.raises(InvalidInput) as error:
        add_contribution(thread, writer, agree(body))

    assert error.value.field == "body"
    assert f"“{word}”" in str(error.value.message)
    db.session.rollback()
    assert count_posts() == 0
    assert figures(Thread, thread.id) == figures(Article, thread.article_id) == NO_FIGURES


@pytest.mark.parametrize(
    "body",
    [
        "A classic example of good hiring.",
        "Subclasses of the problem.",
        "The classroom is empty.",
        "Bad faithful readers.",
    ],
)
def test_a_blocked_word_inside_another_word_is_let_through(thread, writer, moderator, body):
    configure(moderator, blocked="class\nbad faith")

    post = add_contribution(thread, writer, agree(body))

    assert post.status == PostStatus.PUBLISHED
    assert figures(Thread, thread.id)["agree_count"] == 1


def test_a_blocked_word_in_an_example_s_organisation_refuses_it(thread, writer, moderator):
    configure(moderator, blocked="scam corp")
    example = Contribution(
        stance="example",
        body="Their films worked.",
        organisation="Scam Corp",
        channel="youtube",
        effect="supports",
    )

    with pytest.raises(InvalidInput):
        add_contribution(thread, writer, example)

    db.session.rollback()
    assert count_posts() == 0


def test_a_blocked_word_refuses_a_reply_and_stores_nothing(thread, writer, reader, moderator):
    parent = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, blocked="idiot")

    with pytest.raises(InvalidInput) as error:
        add_reply(parent, reader, "What an idiot.")

    assert error.value.field == "body"
    db.session.rollback()
    assert count_posts() == 1
    assert figures(Thread, thread.id)["reply_count"] == 0
    assert db.session.get(Post, parent.id).reply_count == 0


def test_a_blocked_word_refuses_an_edit_and_keeps_the_post_as_it_was(thread, writer, moderator):
    post = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, blocked="idiot")

    with pytest.raises(InvalidInput):
        edit_post(post, writer, agree("A fine point, idiot."))

    db.session.rollback()
    db.session.expire_all()
    stored = db.session.get(Post, post.id)
    assert (stored.body, stored.status, stored.edited_at) == (
        "A fine point.",
        PostStatus.PUBLISHED,
        None,
    )
    assert db.session.scalar(select(func.count()).select_from(PostRevision)) == 0
    assert figures(Thread, thread.id)["agree_count"] == 1


def test_word_lists_are_trimmed_lower_cased_and_deduplicated(moderator):
    settings = save_settings(moderator, 0, " Miracle \n\nQuick   Fix, miracle", "IDIOT,  idiot ")

    assert settings.watched == ["miracle", "quick fix"]
    assert settings.blocked == ["idiot"]
    assert load_settings() == settings


# --- watched words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["It is a miracle cure.", "MIRACLE!", "This is a Quick Fix for hiring."],
)
def test_a_watched_word_holds_the_post_out_of_figures_and_summary(thread, writer, moderator, body):
    configure(moderator, watched="miracle\nquick fix")

    post = add_contribution(thread, writer, agree(body))

    assert status_of(post) == PostStatus.HELD
    assert figures(Thread, thread.id) == figures(Article, thread.article_id) == NO_FIGURES
    for summary in (thread_summary(thread), article_summary(thread.article)):
        assert summary.agree == 0
        assert summary.strongest_agreement is None


def test_a_watched_word_inside_another_word_does_not_hold(thread, writer, moderator):
    configure(moderator, watched="miracle")

    post = add_contribution(thread, writer, agree("Miracles are rare; miraculous even."))

    assert status_of(post) == PostStatus.PUBLISHED


def test_a_watched_word_holds_a_reply(thread, writer, reader, moderator):
    parent = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, watched="miracle")

    reply = add_reply(parent, reader, "A miracle, then.")

    assert status_of(reply) == PostStatus.HELD
    assert figures(Thread, thread.id)["reply_count"] == 0
    assert db.session.get(Post, parent.id).reply_count == 0


def test_an_edit_with_a_watched_word_holds_the_post_again(thread, writer, moderator):
    post = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, watched="miracle")

    edit_post(post, writer, agree("A miracle of a point."))

    assert status_of(post) == PostStatus.HELD
    assert figures(Thread, thread.id) == NO_FIGURES


# --- holding the first posts of an account ------------------------------------------------


def test_the_first_n_posts_of_an_account_are_held_and_the_next_is_not(thread, writer, moderator):
    configure(moderator, hold_first=2)

    first = add_contribution(thread, writer, agree("First."))
    assert first.status == PostStatus.HELD
    moderation.approve_post(first, moderator)
    second = add_contribution(thread, writer, agree("Second."))
    assert second.status == PostStatus.HELD
    moderation.approve_post(second, moderator)

    third = add_contribution(thread, writer, agree("Third."))

    assert third.status == PostStatus.PUBLISHED
    assert figures(Thread, thread.id)["agree_count"] == 3


def test_only_published_posts_count_towards_the_first_n(thread, writer, moderator):
    configure(moderator, hold_first=1)
    first = add_contribution(thread, writer, agree("First."))
    second = add_contribution(thread, writer, agree("Second."))
    moderation.reject_post(first, moderator, "spam")

    third = add_contribution(thread, writer, agree("Third."))
    assert (second.status, third.status) == (PostStatus.HELD, PostStatus.HELD)

    moderation.approve_post(second, moderator)
    fourth = add_contribution(thread, writer, agree("Fourth."))

    assert fourth.status == PostStatus.PUBLISHED


def test_posts_published_before_the_setting_count_towards_the_first_n(thread, writer, moderator):
    add_contribution(thread, writer, agree("Before the rule."))
    add_contribution(thread, writer, agree("Also before the rule."))
    configure(moderator, hold_first=2)

    post = add_contribution(thread, writer, agree("After the rule."))

    assert post.status == PostStatus.PUBLISHED


def test_hold_first_holds_replies_of_a_new_account_too(thread, writer, reader, moderator):
    parent = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, hold_first=1)

    reply = add_reply(parent, reader, "My first words here.")

    assert reply.status == PostStatus.HELD


def test_hold_first_does_not_hold_an_edit_of_a_published_post(thread, writer, moderator):
    post = add_contribution(thread, writer, agree("Published before the rule."))
    configure(moderator, hold_first=5)

    edit_post(post, writer, agree("Edited after the rule."))

    assert status_of(post) == PostStatus.PUBLISHED


def test_hold_first_of_zero_holds_nothing(thread, writer, moderator):
    configure(moderator, hold_first=0)

    assert add_contribution(thread, writer, agree("First.")).status == PostStatus.PUBLISHED


# --- holding every post under an article ---------------------------------------------------


def test_an_article_that_holds_posts_holds_every_contribution_and_reply(
    held_thread, thread, writer, reader, author, moderator
):
    for n in range(3):
        add_contribution(thread, writer, agree(f"Elsewhere {n}."))
    parent = add_contribution(held_thread, author, agree("The author's own point."))

    contributions = [add_contribution(held_thread, writer, agree(f"Point {n}.")) for n in range(3)]
    reply = add_reply(parent, reader, "A reply.")

    assert {post.status for post in [*contributions, reply]} == {PostStatus.HELD}
    assert figures(Thread, held_thread.id) == {**NO_FIGURES, "agree_count": 1}


# --- who is never held ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_are_never_held(held_thread, make_user, moderator, role):
    configure(moderator, hold_first=10, watched="miracle")
    user = make_user(role=role)

    contribution = add_contribution(held_thread, user, agree("A miracle, officially."))
    reply = add_reply(contribution, user, "Another miracle.")

    assert (contribution.status, reply.status) == (PostStatus.PUBLISHED, PostStatus.PUBLISHED)


def test_the_article_s_author_is_never_held_but_another_author_is(
    held_thread, author, make_user, moderator
):
    configure(moderator, hold_first=10, watched="miracle")
    other_author = make_user(role=Role.AUTHOR)

    own = add_contribution(held_thread, author, agree("A miracle, says the author."))
    reply = add_reply(own, author, "Another miracle.")
    other = add_contribution(held_thread, other_author, agree("A miracle, says a colleague."))

    assert (own.status, reply.status) == (PostStatus.PUBLISHED, PostStatus.PUBLISHED)
    assert other.status == PostStatus.HELD


# --- what the thread page shows -----------------------------------------------------------


def page_for(app: Flask, user: User | None, thread: Thread) -> str:
    """The thread page as a user (or a visitor) sees it, on a client of its own."""
    client = app.test_client()
    if user is not None:
        login = sessions.start(user, "", remember=False)
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = login.login_id, True
    response = client.get(f"/threads/{thread.id}")
    assert response.status_code == 200
    db.session.expire_all()
    return response.text


def post_element(html: str, post_id: int) -> str | None:
    """A post's element from its opening tag to the next post, or None if it is not shown."""
    match = re.search(rf'<article id="post-{post_id}"[^>]*>', html)
    if match is None:
        return None
    rest = html[match.start() :]
    following = re.search(rf'<article id="post-(?!{post_id}")', rest[1:])
    return rest[: following.start() + 1] if following else rest


HELD_BODY = "Branding is a miracle worker."


@pytest.fixture
def held_post(thread, writer, moderator) -> Post:
    configure(moderator, watched="miracle")
    post = add_contribution(thread, writer, agree(HELD_BODY))
    assert post.status == PostStatus.HELD
    return post


def test_a_held_post_is_shown_to_its_author_as_waiting(app, thread, writer, held_post):
    html = page_for(app, writer, thread)

    element = post_element(html, held_post.id)
    assert element is not None
    assert 'data-held="true"' in element
    assert HELD_BODY in element
    assert "Waiting for a moderator" in element


def test_a_held_post_is_shown_to_moderators(app, thread, moderator, held_post):
    html = page_for(app, moderator, thread)

    element = post_element(html, held_post.id)
    assert element is not None
    assert 'data-held="true"' in element
    assert HELD_BODY in element


@pytest.mark.parametrize("viewer", ["reader", None])
def test_a_held_post_is_absent_for_other_readers_and_visitors(
    request, app, thread, held_post, viewer
):
    user = request.getfixturevalue(viewer) if viewer else None

    html = page_for(app, user, thread)

    assert post_element(html, held_post.id) is None
    assert HELD_BODY not in html
    assert 'data-held="true"' not in html
    assert 'data-agree="0"' in html


@pytest.mark.parametrize("viewer", ["reader", None])
def test_an_approved_post_is_shown_to_everyone_and_counted(
    request, app, thread, moderator, held_post, viewer
):
    moderation.approve_post(held_post, moderator)
    user = request.getfixturevalue(viewer) if viewer else None

    html = page_for(app, user, thread)

    element = post_element(html, held_post.id)
    assert element is not None
    assert HELD_BODY in element
    assert 'data-held="true"' not in element
    assert "Waiting for a moderator" not in element
    assert 'data-agree="1"' in html
    assert figures(Thread, thread.id)["agree_count"] == 1


def test_a_rejected_post_shows_its_author_the_reason(app, thread, writer, moderator, held_post):
    moderation.reject_post(held_post, moderator, "off_topic", "Not about hiring")

    element = post_element(page_for(app, writer, thread), held_post.id)

    assert element is not None
    assert "Rejected by a moderator: Off topic: Not about hiring" in element
    assert HELD_BODY in element


@pytest.mark.parametrize("viewer", ["reader", None])
def test_a_rejected_post_is_absent_for_others(request, app, thread, moderator, held_post, viewer):
    moderation.reject_post(held_post, moderator, "off_topic", "Not about hiring")
    user = request.getfixturevalue(viewer) if viewer else None

    html = page_for(app, user, thread)

    assert post_element(html, held_post.id) is None
    assert HELD_BODY not in html
    assert "Not about hiring" not in html


def test_a_held_reply_is_shown_to_its_author_and_moderators_only(
    app, thread, writer, reader, moderator
):
    parent = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, watched="miracle")
    reply = add_reply(parent, reader, HELD_BODY)

    for user in (reader, moderator):
        element = post_element(page_for(app, user, thread), reply.id)
        assert element is not None
        assert 'data-held="true"' in element
        assert HELD_BODY in element
    for user in (writer, None):
        html = page_for(app, user, thread)
        assert post_element(html, reply.id) is None
        assert HELD_BODY not in html


# --- through HTTP ------------------------------------------------------------------------


def test_a_contribution_with_a_blocked_word_answers_422_and_keeps_the_text(
    as_reader, thread, moderator
):
    configure(moderator, blocked="class warfare")
    body = "This is plain Class Warfare by recruiters."

    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "disagree", "body": body}
    )

    assert response.status_code == 422
    assert re.search(r"<textarea[^>]*>\s*" + re.escape(body) + r"\s*</textarea>", response.text)
    assert "“class warfare” is not allowed here" in response.text
    db.session.expire_all()
    assert count_posts() == 0


def test_a_reply_with_a_blocked_word_answers_422_and_keeps_the_text(
    as_reader, thread, writer, moderator
):
    parent = add_contribution(thread, writer, agree("A fine point."))
    configure(moderator, blocked="idiot")
    body = "Only an idiot thinks so."

    response = as_reader.post(f"/posts/{parent.id}/replies", data={"body": body})

    assert response.status_code == 422
    assert re.search(r"<textarea[^>]*>\s*" + re.escape(body) + r"\s*</textarea>", response.text)
    assert "“idiot” is not allowed here" in response.text
    db.session.expire_all()
    assert count_posts() == 1


def test_a_contribution_with_a_watched_word_is_held_through_http(
    as_reader, thread, reader, moderator
):
    configure(moderator, watched="miracle")

    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": HELD_BODY}
    )

    assert response.status_code == 302
    db.session.expire_all()
    post = db.session.scalar(select(Post))
    assert (post.author_id, post.status) == (reader.id, PostStatus.HELD)
    assert figures(Thread, thread.id) == NO_FIGURES
