"""No field outside a form is ever written, and no id in a request reaches another's object.

Every form is sent with its own fields plus the fields an attacker would add: a role, ids of
other users' objects, scores, states and timestamps. What is stored afterwards is what the form
alone allows, and the objects the extra fields named are exactly as they were.
"""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from forum.extensions import db
from forum.models import (
    Action,
    Article,
    ArticleStatus,
    AuditEntry,
    Flag,
    FlagStatus,
    Post,
    PostStatus,
    Role,
    Stance,
    Tag,
    Thread,
    ThreadOrigin,
    User,
    Vote,
    utcnow,
)

# The password of every user the conftest factories make.
PASSWORD = "correct horse battery"
LONG_AGO = "2000-01-01T00:00:00"


def row(obj: Any) -> dict[str, Any]:
    """Every column of a stored object, read fresh from the database."""
    db.session.expire_all()
    fresh = db.session.get(type(obj), inspect(obj).identity)
    return {column.key: getattr(fresh, column.key) for column in inspect(type(obj)).column_attrs}


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before if before[key] != after[key]}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def is_recent(moment) -> bool:
    return utcnow() - moment < timedelta(minutes=5)


@pytest.fixture
def rival(make_user) -> User:
    """Another author."""
    return make_user("rival", role=Role.AUTHOR)


@pytest.fixture
def rival_article(make_article, rival) -> Article:
    return make_article(author=rival, title="Rival article", slug="rival-article")


@pytest.fixture
def elsewhere(make_thread, rival_article) -> Thread:
    """A thread under another author's article."""
    return make_thread(article=rival_article, title="Elsewhere")


@pytest.fixture
def others_post(make_post, thread, writer) -> Post:
    """The writer's post in the thread the requests are about."""
    return make_post(thread=thread, author=writer, body="The writer's point.")


@pytest.fixture
def elsewhere_post(make_post, elsewhere, writer) -> Post:
    return make_post(thread=elsewhere, author=writer, body="A point elsewhere.")


@pytest.fixture
def bystanders(writer, rival, rival_article, elsewhere, elsewhere_post) -> list:
    """The objects the forged fields name; no request may change them."""
    return [writer, rival, rival_article, elsewhere, elsewhere_post]


@pytest.fixture
def forged(writer, rival, rival_article, elsewhere, elsewhere_post) -> dict[str, str]:
    """Fields no form of the site has: other users' ids and values only the site may set."""
    return {
        "id": str(elsewhere_post.id),
        "user_id": str(writer.id),
        "author_id": str(writer.id),
        "post_id": str(elsewhere_post.id),
        "parent_id": str(elsewhere_post.id),
        "thread_id": str(elsewhere.id),
        "article_id": str(rival_article.id),
        "closed_by_id": str(rival.id),
        "role": "admin",
        "username": "writer",
        "username_key": "writer",
        "email": "writer@example.org",
        "password_hash": "forged",
        "session_token": "forged",
        "email_confirmed_at": LONG_AGO,
        "banned": "0",
        "suspended_until": "",
        "sanction_reason": "",
        "deleted_at": LONG_AGO,
        "created_at": LONG_AGO,
        "edited_at": LONG_AGO,
        "closed_at": LONG_AGO,
        "published_at": LONG_AGO,
        "last_activity_at": LONG_AGO,
        "score": "100",
        "up": "50",
        "down": "0",
        "best": "99",
        "controversy": "99",
        "hot": "99",
        "reply_count": "9",
        "agree_count": "9",
        "disagree_count": "9",
        "example_count": "9",
        "status": "published",
        "hidden": "0",
        "featured": "1",
        "answered_by_author": "1",
        "moderation_reason": "",
        "moderation_note": "",
        "pinned": "1",
        "locked": "1",
        "origin": "question",
        "position": "-1",
        "discussion_open": "0",
        "slug": "forged-slug",
        "value": "1",
        "locale": "da",
    }


def send(client, url: str, forged: dict[str, str], form: dict[str, str]):
    """POST the forged fields with the form's own on top (the form's value wins a clash)."""
    return client.post(url, data={**forged, **form})


def assert_untouched(objects: list, before: list[dict[str, Any]]) -> None:
    for obj, values in zip(objects, before, strict=True):
        assert changed(values, row(obj)) == set(), obj


def test_registration_makes_a_plain_reader(client, forged, bystanders):
    before = [row(obj) for obj in bystanders]
    form = {
        "username": "tove",
        "email": "tove@example.dk",
        "password": "a long enough password",
        "password_confirm": "a long enough password",
    }

    response = send(client, "/auth/register", forged | {"banned": "1"}, form)

    assert response.status_code == 302, response.text
    user = db.session.scalar(select(User).where(User.username == "tove"))
    assert user.id not in {obj.id for obj in bystanders if isinstance(obj, User)}
    assert user.role == Role.READER
    assert user.email_confirmed_at is None
    assert (user.banned, user.suspended_until, user.sanction_reason) == (False, None, "")
    assert (user.display_name, user.bio, user.links) == ("", "", "")
    assert user.locale == "en", "the language comes from the browser, not a form field"
    assert user.password_hash.startswith("$argon2id$")
    assert user.deleted_at is None and is_recent(user.created_at)
    assert_untouched(bystanders, before)


def test_the_profile_form_writes_only_the_profile(as_reader, reader, forged, bystanders):
    before, others = row(reader), [row(obj) for obj in bystanders]

    response = send(
        as_reader,
        "/account/profile",
        forged,
        {
            "display_name": "Rea",
            "bio": "About me.",
            "links": "https://example.org",
            "locale": "da",
        },
    )

    assert response.status_code == 302, response.text
    after = row(reader)
    # The folded display name is the display name as it reads (forum/names.py).
    assert changed(before, after) == {
        "display_name",
        "display_name_fold",
        "bio",
        "links",
        "locale",
    }
    assert (after["role"], after["username"], after["email"]) == (
        Role.READER,
        "reader",
        before["email"],
    )
    assert_untouched(bystanders, others)


def test_a_suspended_user_cannot_lift_the_suspension_through_the_profile(
    as_reader, reader, forged
):
    reader.suspended_until = utcnow() + timedelta(days=3)
    reader.sanction_reason = "Insults"
    db.session.commit()
    before = row(reader)

    response = send(
        as_reader,
        "/account/profile",
        forged,
        {"display_name": "Rea", "bio": "", "links": "", "locale": "en"},
    )

    assert response.status_code == 302, response.text
    after = row(reader)
    assert changed(before, after) == {"display_name", "display_name_fold", "locale"}
    assert after["suspended_until"] == before["suspended_until"]
    assert after["sanction_reason"] == "Insults"


def test_no_url_changes_another_users_profile(as_reader, writer):
    before = row(writer)

    assert as_reader.post("/users/writer", data={"display_name": "Hijacked"}).status_code == 405
    response = as_reader.post(
        "/account/profile",
        data={
            "id": str(writer.id),
            "user_id": str(writer.id),
            "username": "writer",
            "display_name": "Hijacked",
            "bio": "",
            "links": "",
            "locale": "en",
        },
    )

    assert response.status_code == 302
    assert row(writer) == before
    assert db.session.scalar(select(User.display_name).where(User.username == "reader")) == (
        "Hijacked"
    )


def test_changing_the_address_only_asks_for_the_new_one(as_reader, reader, forged, bystanders):
    reader.email_confirmed_at = utcnow()
    db.session.commit()
    before, others = row(reader), [row(obj) for obj in bystanders]

    response = send(
        as_reader,
        "/account/email",
        forged,
        {"email": "new@example.org", "current_password": PASSWORD},
    )

    assert response.status_code == 302, response.text
    after = row(reader)
    # The confirmed address stays until the new one is confirmed (test_email_change.py).
    assert changed(before, after) == {"pending_email"}
    assert after["pending_email"] == "new@example.org"
    assert_untouched(bystanders, others)


def test_changing_the_password_writes_only_the_password(as_reader, reader, forged, bystanders):
    before, others = row(reader), [row(obj) for obj in bystanders]
    new = "another long password"

    response = send(
        as_reader,
        "/account/password",
        forged,
        {"current_password": PASSWORD, "password": new, "password_confirm": new},
    )

    assert response.status_code == 302, response.text
    assert changed(before, row(reader)) == {"password_hash"}
    assert_untouched(bystanders, others)


def test_an_unconfirmed_user_cannot_confirm_the_address_by_posting(
    app, as_reader, reader, thread, forged
):
    app.config["REQUIRE_CONFIRMED_EMAIL"] = True

    response = send(
        as_reader, f"/threads/{thread.id}/posts", forged, {"stance": "agree", "body": "Hi"}
    )

    assert response.status_code == 403
    assert row(reader)["email_confirmed_at"] is None
    assert db.session.scalar(select(Post).where(Post.author_id == reader.id)) is None


@pytest.mark.parametrize("holding", [False, True], ids=["open", "holding"])
def test_a_contribution_gets_only_what_the_form_says(
    as_reader, reader, make_article, make_thread, forged, bystanders, holding
):
    thread = make_thread(article=make_article(hold_posts=holding))
    others = [row(obj) for obj in bystanders]

    response = send(
        as_reader,
        f"/threads/{thread.id}/posts",
        forged,
        {"stance": "agree", "body": "My point."},
    )

    assert response.status_code == 302, response.text
    post = db.session.scalar(select(Post).where(Post.author_id == reader.id))
    assert post.id != int(forged["id"])
    assert (post.thread_id, post.article_id, post.parent_id) == (
        thread.id,
        thread.article_id,
        None,
    )
    assert (post.stance, post.body) == (Stance.AGREE, "My point.")
    assert (post.up, post.down, post.score, post.reply_count) == (0, 0, 0, 0)
    assert (post.best, post.controversy) == (0, 0)
    assert post.status == (PostStatus.HELD if holding else PostStatus.PUBLISHED)
    assert (post.hidden, post.featured, post.answered_by_author) == (False, False, False)
    assert (post.moderation_reason, post.moderation_note) == (None, "")
    assert post.edited_at is None and post.deleted_at is None and is_recent(post.created_at)
    assert_untouched(bystanders, others)


def test_a_reply_sits_under_the_post_in_the_url(
    as_reader, reader, thread, others_post, forged, bystanders
):
    others = [row(obj) for obj in bystanders]

    response = send(as_reader, f"/posts/{others_post.id}/replies", forged, {"body": "A reply."})

    assert response.status_code == 302, response.text
    reply = db.session.scalar(select(Post).where(Post.author_id == reader.id))
    assert (reply.parent_id, reply.thread_id, reply.stance) == (others_post.id, thread.id, None)
    assert (reply.up, reply.down, reply.score, reply.featured) == (0, 0, 0, False)
    assert reply.status == PostStatus.PUBLISHED and not reply.hidden
    assert is_recent(reply.created_at) and reply.deleted_at is None
    # The post answered is the writer's: being told of the reply is the one change to them.
    (writer, *rest), (writer_before, *rest_before) = bystanders, others
    assert changed(writer_before, row(writer)) == {"unread_notifications"}
    assert row(writer)["unread_notifications"] == writer_before["unread_notifications"] + 1
    assert_untouched(rest, rest_before)


@pytest.mark.parametrize(
    "state",
    [
        {"status": PostStatus.HELD},
        {"status": PostStatus.REJECTED, "moderation_reason": "spam", "moderation_note": "Ads"},
        {"hidden": True, "moderation_reason": "abusive", "moderation_note": "Rude"},
    ],
    ids=["held", "rejected", "hidden"],
)
def test_editing_changes_the_text_and_nothing_else(
    as_reader, reader, thread, make_post, forged, bystanders, state
):
    post = make_post(thread=thread, author=reader, body="Before.", **state)
    before, others = row(post), [row(obj) for obj in bystanders]

    response = send(
        as_reader, f"/posts/{post.id}/edit", forged, {"stance": "agree", "body": "After."}
    )

    assert response.status_code == 302, response.text
    after = row(post)
    # A hidden post, once edited, goes back to the moderators' queue: held, no longer hidden.
    moved = {"hidden", "status"} if state.get("hidden") else set()
    assert changed(before, after) == {"body", "body_html", "edited_at"} | moved
    assert after["body"] == "After." and is_recent(after["edited_at"])
    assert_untouched(bystanders, others)


def test_a_vote_counts_once_on_the_post_in_the_url(
    as_reader, reader, writer, others_post, forged, bystanders
):
    others = [row(obj) for obj in bystanders]

    response = send(as_reader, f"/posts/{others_post.id}/vote", forged, {"value": "1"})

    assert response.status_code == 302, response.text
    votes = db.session.execute(select(Vote.post_id, Vote.user_id, Vote.value)).all()
    assert votes == [(others_post.id, reader.id, 1)]
    post = row(others_post)
    assert (post["up"], post["down"], post["score"]) == (1, 0, 1)
    assert (post["author_id"], post["featured"], post["hidden"]) == (writer.id, False, False)
    assert_untouched(bystanders, others)


def test_a_flag_is_the_readers_own_open_flag_on_the_post_in_the_url(
    as_reader, reader, others_post, forged, bystanders
):
    others = [row(obj) for obj in bystanders]

    response = send(
        as_reader,
        f"/posts/{others_post.id}/flag",
        forged | {"status": "dismissed"},
        {"reason": "spam", "details": ""},
    )

    assert response.status_code == 302, response.text
    flag = db.session.scalar(select(Flag))
    assert (flag.post_id, flag.user_id, flag.status) == (
        others_post.id,
        reader.id,
        FlagStatus.OPEN,
    )
    assert (flag.closed_at, flag.closed_by_id) == (None, None)
    assert is_recent(flag.created_at)
    assert row(others_post)["hidden"] is False
    assert_untouched(bystanders, others)


def test_a_proposed_thread_is_a_plain_readers_thread(
    as_reader, reader, article, forged, bystanders
):
    others = [row(obj) for obj in bystanders]

    response = send(
        as_reader,
        f"/articles/{article.slug}/threads/new",
        forged,
        {"title": "A new question", "description": "Why?"},
    )

    assert response.status_code == 302, response.text
    thread = db.session.scalar(select(Thread).where(Thread.title == "A new question"))
    assert (thread.article_id, thread.author_id) == (article.id, reader.id)
    assert (thread.origin, thread.position) == (ThreadOrigin.READER, 0)
    assert (thread.pinned, thread.locked) == (False, False)
    figures = (thread.agree_count, thread.disagree_count, thread.example_count, thread.reply_count)
    assert figures == (0, 0, 0, 0)
    assert is_recent(thread.created_at)
    assert_untouched(bystanders, others)


def test_a_new_article_is_the_authors_draft(as_author, author, forged, bystanders):
    others = [row(obj) for obj in bystanders]

    response = send(
        as_author,
        "/articles/new",
        forged,
        {
            "title": "My draft",
            "body": "Text.",
            "questions": "Why?",
            "language": "en",
            "save": "Save",
        },
    )

    assert response.status_code == 302, response.text
    article = db.session.scalar(select(Article).where(Article.title == "My draft"))
    assert article.id != int(forged["article_id"])
    assert (article.author_id, article.slug) == (author.id, "my-draft")
    assert (article.status, article.published_at) == (ArticleStatus.DRAFT, None)
    assert article.discussion_open is True
    assert (article.agree_count, article.reply_count, article.hot) == (0, 0, 0)
    assert count(Thread) == 1, "only the other author's thread: a draft opens none"
    assert_untouched(bystanders, others)


def test_editing_an_article_keeps_its_author_address_and_state(
    as_author, author, article, forged, bystanders
):
    before, others = row(article), [row(obj) for obj in bystanders]

    response = send(
        as_author,
        f"/articles/{article.slug}/edit",
        forged | {"status": "draft"},
        {
            "title": "New",
            "body": "New body.",
            "questions": "Why?",
            "language": "en",
            "hide_new_scores": "y",  # checked, as the form shows it
            "save": "Save",
        },
    )

    assert response.status_code == 302, response.text
    after = row(article)
    assert changed(before, after) == {"title", "body", "body_html", "questions", "updated_at"}
    assert (after["author_id"], after["slug"], after["status"]) == (
        author.id,
        "employer-branding",
        ArticleStatus.PUBLISHED,
    )
    assert_untouched(bystanders, others)


def test_a_reader_cannot_edit_or_delete_another_readers_post(as_reader, others_post):
    before = row(others_post)

    assert as_reader.get(f"/posts/{others_post.id}/edit").status_code == 403
    edit = as_reader.post(
        f"/posts/{others_post.id}/edit", data={"stance": "disagree", "body": "Hijacked."}
    )
    delete = as_reader.post(f"/posts/{others_post.id}/delete")

    assert (edit.status_code, delete.status_code) == (403, 403)
    assert row(others_post) == before


def test_an_id_in_the_form_does_not_redirect_an_edit_or_delete(
    as_reader, reader, thread, make_post, others_post
):
    own = make_post(thread=thread, author=reader, body="Mine.")
    other = row(others_post)

    edit = as_reader.post(
        f"/posts/{own.id}/edit",
        data={
            "id": str(others_post.id),
            "post_id": str(others_post.id),
            "stance": "agree",
            "body": "Changed.",
        },
    )
    assert edit.status_code == 302
    delete = as_reader.post(
        f"/posts/{own.id}/delete", data={"id": str(others_post.id), "post_id": str(others_post.id)}
    )

    assert delete.status_code == 302
    assert row(others_post) == other
    db.session.expire_all()
    assert db.session.get(Post, own.id).is_deleted


def test_an_author_cannot_edit_another_authors_article(
    as_author, rival_article, make_article, rival
):
    draft = make_article(author=rival, title="Rival draft", slug="rival-draft", status="draft")
    before = row(rival_article)
    form = {"title": "Hijacked", "body": "Hijacked.", "language": "en", "save": "Save"}

    assert as_author.get("/articles/rival-article/edit").status_code == 403
    assert as_author.post("/articles/rival-article/edit", data=form).status_code == 403
    assert as_author.post("/articles/rival-draft/edit", data=form).status_code == 404

    assert row(rival_article) == before
    assert row(draft)["title"] == "Rival draft"


def test_a_reader_cannot_give_themselves_a_role(as_reader, reader):
    response = as_reader.post("/admin/users/reader/role", data={"role": "admin"})

    assert response.status_code == 403
    assert row(reader)["role"] == Role.READER


def test_a_moderator_form_naming_another_thread_is_refused(
    client, log_in, make_user, others_post, elsewhere
):
    log_in(make_user("mod", role=Role.MODERATOR))
    before = row(others_post)

    response = client.post(
        f"/moderation/posts/{others_post.id}/hide",
        data={"reason": "spam", "note": "", "thread_id": str(elsewhere.id)},
    )

    assert response.status_code == 404
    assert row(others_post) == before
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == Action.HIDE)) is None


def test_an_article_form_sent_without_its_tags_field_is_answered(as_author, article):
    """`tags` names both a form field and the article's relationship: a request that leaves
    the field out must not hand the stored Tag objects to the form as its text."""
    article.tags = [Tag(name="Hiring", slug="hiring")]
    db.session.commit()

    response = as_author.post(
        f"/articles/{article.slug}/edit",
        data={"title": "New", "body": "New body.", "questions": "Why?", "save": "Save"},
    )

    assert response.status_code in (302, 422)
    assert row(article)["author_id"] == article.author_id
