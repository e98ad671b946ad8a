"""Readers follow and unfollow articles and threads and mute threads, with buttons that work
without JavaScript; each reader's buttons are their own on the pages readers share."""

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.models import Follow, Notification, Role, User
from forum.services import account_data, following, posts
from forum.services.following import ThreadChoice
from forum.services.posts import Contribution
from tests.conftest import PASSWORD


def signed_in(app, user: User) -> FlaskClient:
    """A browser of the user's own, logged in, past the page that says so."""
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"username": user.username, "password": PASSWORD},
        follow_redirects=True,
    )
    assert "You are logged in." in response.text
    return client


def follows_of(user: User) -> set[tuple[str, int, bool]]:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id))
    return {
        ("article", row.article_id, row.muted)
        if row.article_id
        else ("thread", row.thread_id, row.muted)
        for row in rows
    }


def follow_state(html: str) -> str | None:
    """What the page's follow box says of the reader: true, false, muted, article."""
    found = re.search(r'class="follow-box" data-following="(\w+)"', html)
    return found.group(1) if found else None


def is_checked(html: str) -> bool:
    """Whether the page's "follow threads I post in" box is ticked."""
    box = re.search(r'<input[^>]*name="follow_threads_posted_in"[^>]*>', html).group(0)
    return " checked" in box


def contribute(thread, user, body: str = "A point."):
    return posts.add_contribution(thread, user, Contribution("agree", body))


# --- The buttons --------------------------------------------------------------------------


def test_a_reader_follows_and_unfollows_an_article_with_its_button(as_reader, reader, article):
    page = as_reader.get(f"/articles/{article.slug}").text
    assert follow_state(page) == "false"
    assert f'action="/articles/{article.slug}/follow"' in page

    followed = as_reader.post(f"/articles/{article.slug}/follow", data={"action": "follow"})

    assert followed.status_code == 302
    assert followed.headers["Location"].endswith(f"/articles/{article.slug}")
    assert follows_of(reader) == {("article", article.id, False)}
    page = as_reader.get(f"/articles/{article.slug}").text
    assert "You follow this article" in page and follow_state(page) == "true"

    as_reader.post(f"/articles/{article.slug}/follow", data={"action": "unfollow"})

    assert follows_of(reader) == set()
    assert follow_state(as_reader.get(f"/articles/{article.slug}").text) == "false"


def test_a_reader_follows_mutes_and_unmutes_a_thread(as_reader, reader, thread, article):
    url = f"/threads/{thread.id}"
    as_reader.post(f"{url}/follow", data={"action": "follow"})
    assert follows_of(reader) == {("thread", thread.id, False)}
    assert follow_state(as_reader.get(url).text) == "true"

    as_reader.post(f"{url}/follow", data={"action": "mute"})
    assert follows_of(reader) == {("thread", thread.id, True)}
    assert follow_state(as_reader.get(url).text) == "muted"

    as_reader.post(f"{url}/follow", data={"action": "unmute"})
    as_reader.post(f"/articles/{article.slug}/follow", data={"action": "follow"})
    assert follows_of(reader) == {("article", article.id, False)}
    page = as_reader.get(url).text
    assert follow_state(page) == "article" and "through its article" in page


def test_a_muted_thread_tells_nothing_though_its_article_is_followed(
    as_reader, reader, thread, article, make_thread, make_user
):
    other = make_thread(article=article, title="Another question")
    as_reader.post(f"/articles/{article.slug}/follow", data={"action": "follow"})
    as_reader.post(f"/threads/{thread.id}/follow", data={"action": "mute"})

    contribute(thread, make_user(), "In the muted thread.")
    heard = contribute(other, make_user(), "In the other thread.")

    kinds = db.session.execute(
        select(Notification.thread_id, Notification.post_id).where(
            Notification.user_id == reader.id
        )
    ).all()
    assert kinds == [(other.id, heard.id)]


def test_bad_follow_requests_get_a_clear_answer_and_change_nothing(
    as_reader, reader, article, thread, draft_article
):
    unknown = as_reader.post(f"/articles/{article.slug}/follow", data={"action": "x"})
    assert unknown.status_code == 400
    assert as_reader.post(f"/threads/{thread.id}/follow", data={}).status_code == 400
    assert as_reader.post("/threads/999999/follow", data={"action": "follow"}).status_code == 404
    assert as_reader.post("/articles/nowhere/follow", data={"action": "follow"}).status_code == 404
    drafted = as_reader.post(f"/articles/{draft_article.slug}/follow", data={"action": "follow"})
    assert drafted.status_code == 404
    assert as_reader.get(f"/threads/{thread.id}/follow").status_code == 405
    assert follows_of(reader) == set()


def test_visitors_are_sent_to_log_in_to_follow(client, article):
    response = client.post(f"/articles/{article.slug}/follow", data={"action": "follow"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_author_of_a_draft_sees_no_follow_button(as_author, draft_article):
    assert follow_state(as_author.get(f"/articles/{draft_article.slug}").text) is None


def test_visitors_see_no_follow_button(client, article, thread):
    assert follow_state(client.get(f"/articles/{article.slug}").text) is None
    assert follow_state(client.get(f"/threads/{thread.id}").text) is None


# --- Posting follows ----------------------------------------------------------------------


def test_posting_in_a_thread_follows_it_unless_the_reader_said_not_to(
    thread, make_thread, article, make_user
):
    keen, quiet = make_user("keen"), make_user("quiet")
    following.set_follow_posted_in(quiet, False)

    contribute(thread, keen, "A point.")
    contribute(thread, quiet, "A quiet point.")

    assert follows_of(keen) == {("thread", thread.id, False)}
    assert follows_of(quiet) == set()
    # and the thread then tells them of others' new contributions
    contribute(thread, make_user(), "Someone else's point.")
    assert db.session.scalar(select(User.unread_notifications).where(User.id == keen.id)) == 1


def test_posting_in_a_muted_thread_keeps_it_muted(thread, reader, make_user):
    following.choose_for_thread(reader, thread, ThreadChoice.MUTE)

    contribute(thread, reader, "A point anyway.")

    assert follows_of(reader) == {("thread", thread.id, True)}


# --- The settings page --------------------------------------------------------------------


def test_the_settings_page_lists_what_the_reader_follows_with_buttons_to_stop(
    as_reader, reader, article, thread, make_thread
):
    muted = make_thread(article=article, title="A muted question")
    following.follow_article(reader, article, True)
    following.choose_for_thread(reader, thread, ThreadChoice.FOLLOW)
    following.choose_for_thread(reader, muted, ThreadChoice.MUTE)

    page = as_reader.get("/account/notifications").text

    assert article.title in page and thread.title in page and "A muted question" in page
    assert f'action="/threads/{muted.id}/follow"' in page and 'value="unmute"' in page
    stopped = as_reader.post(
        f"/threads/{thread.id}/follow",
        data={"action": "unfollow", "next": "/account/notifications"},
    )
    assert stopped.headers["Location"].endswith("/account/notifications")
    assert follows_of(reader) == {("article", article.id, False), ("thread", muted.id, True)}


def test_the_setting_follow_threads_i_post_in_is_saved(as_reader, reader):
    assert is_checked(as_reader.get("/account/notifications").text)

    # The box unticked: the browser sends the form's token alone.
    saved = as_reader.post(
        "/account/notifications", data={"csrf_token": "x"}, follow_redirects=True
    )

    assert "Your notification settings are saved." in saved.text
    assert not db.session.get(User, reader.id).follow_threads_posted_in
    assert not is_checked(saved.text)


def test_the_data_export_holds_what_the_reader_follows_and_the_setting(
    reader, article, thread, make_thread
):
    muted = make_thread(article=article, title="A muted question")
    following.follow_article(reader, article, True)
    following.choose_for_thread(reader, thread, ThreadChoice.FOLLOW)
    following.choose_for_thread(reader, muted, ThreadChoice.MUTE)

    data = account_data.export_user_data(reader)

    assert [row["article"] for row in data["following"]["articles"]] == [article.title]
    assert [row["thread"] for row in data["following"]["threads"]] == [thread.title]
    assert [row["thread"] for row in data["following"]["muted_threads"]] == [muted.title]
    assert data["notification_settings"]["follow_threads_posted_in"] is True


# --- Pages shared between readers ---------------------------------------------------------


@pytest.mark.parametrize("page", ["article", "thread"])
def test_each_reader_sees_their_own_follow_button_on_a_shared_page(
    app, article, thread, make_user, page
):
    url = f"/articles/{article.slug}" if page == "article" else f"/threads/{thread.id}"
    follow_url = f"/articles/{article.slug}/follow" if page == "article" else f"{url}/follow"
    ann, bo = make_user("ann"), make_user("bo")
    as_ann, as_bo = signed_in(app, ann), signed_in(app, bo)
    assert follow_state(as_ann.get(url).text) == "false"  # kept for ann, unfollowed

    as_ann.post(follow_url, data={"action": "follow"})
    as_ann.get("/")  # past the page with the message

    mine, theirs = as_ann.get(url), as_bo.get(url)
    assert mine.headers["X-Cache"] == "hit" and theirs.headers["X-Cache"] == "hit"
    assert follow_state(mine.text) == "true" and "Unfollow" in mine.text
    assert follow_state(theirs.text) == "false" and "Unfollow" not in theirs.text
    visitor = app.test_client().get(url)
    assert "Unfollow" not in visitor.text and follow_state(visitor.text) is None


# --- CSRF ---------------------------------------------------------------------------------


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_every_button_needs_the_pages_token(self, app, reader, article, thread):
        client = app.test_client()
        login_page = client.get("/auth/login").text
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', login_page)
        client.post(
            "/auth/login",
            data={"username": reader.username, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        page = client.get(f"/articles/{article.slug}").text
        token = re.search(r'class="follow-box".*?name="csrf_token" value="([^"]+)"', page, re.S)

        refused = client.post(f"/articles/{article.slug}/follow", data={"action": "follow"})
        assert refused.status_code == 400 and follows_of(reader) == set()
        for url in ("/notifications/read", f"/threads/{thread.id}/follow"):
            assert client.post(url, data={"action": "follow"}).status_code == 400

        done = client.post(
            f"/articles/{article.slug}/follow",
            data={"action": "follow", "csrf_token": token.group(1)},
        )
        assert done.status_code == 302 and follows_of(reader) == {("article", article.id, False)}


def test_deleting_the_account_ends_its_follows(reader, article):
    following.follow_article(reader, article, True)

    account_data.delete_account(reader, PASSWORD, "remove")

    assert follows_of(reader) == set()


def test_moderators_get_their_own_follow_state_on_pages_rendered_for_them(app, thread, make_user):
    moderator = make_user(role=Role.MODERATOR)
    following.choose_for_thread(moderator, thread, ThreadChoice.FOLLOW)

    page = signed_in(app, moderator).get(f"/threads/{thread.id}")

    assert "X-Cache" not in page.headers and follow_state(page.text) == "true"
