"""Readers are told in the forum when they are answered, where they follow, and what the
moderators did with their posts; the bell shows each reader their own unread count."""

import re
from collections.abc import Iterator

import pytest
from huey.signals import SIGNAL_ENQUEUED
from sqlalchemy import func, insert, select, update

from forum import jobs
from forum.extensions import db
from forum.models import (
    ArticleStatus,
    Follow,
    Notification,
    NotificationKind,
    PostStatus,
    Role,
    User,
    utcnow,
)
from forum.services import (
    account_data,
    deleting,
    events,
    following,
    moderation,
    notifications,
    posts,
    settings,
)
from forum.services.following import ThreadChoice
from forum.services.posts import Contribution
from tests.conftest import PASSWORD, PASSWORD_HASH


@pytest.fixture
def queued() -> Iterator[list[str]]:
    """The names of the jobs queued while the test runs."""
    names: list[str] = []

    def note(_signal, task, *_args, **_kwargs) -> None:
        names.append(task.name)

    jobs.huey.signal(SIGNAL_ENQUEUED)(note)
    yield names
    jobs.huey.disconnect_signal(note, SIGNAL_ENQUEUED)


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator", role=Role.MODERATOR)


def told(user: User) -> list[tuple[str, int | None]]:
    """The user's notifications as (kind, post id), oldest first."""
    rows = db.session.execute(
        select(Notification.kind, Notification.post_id)
        .where(Notification.user_id == user.id)
        .order_by(Notification.id)
    )
    return [(kind.value, post_id) for kind, post_id in rows]


def unread(user: User) -> int:
    return db.session.scalar(select(User.unread_notifications).where(User.id == user.id))


def follow(user: User, *, thread=None, article=None, muted: bool = False) -> None:
    """Follow (or mute) as the buttons do."""
    if article is not None:
        following.follow_article(user, article, True)
    else:
        choice = ThreadChoice.MUTE if muted else ThreadChoice.FOLLOW
        following.choose_for_thread(user, thread, choice)


def contribute(thread, user, body: str = "A point."):
    return posts.add_contribution(thread, user, Contribution("agree", body))


def bell(html: str) -> str | None:
    """The unread count the header's bell shows ("0" for none)."""
    found = re.search(r'class="bell" data-unread="(\d+)"', html)
    return found.group(1) if found else None


def open_form(html: str) -> list[str]:
    return re.findall(r'action="/notifications/(\d+)/open"', html)


# --- Who is told --------------------------------------------------------------------------


def test_a_reply_tells_the_contributions_author_and_not_the_replier(post, writer, make_user):
    replier = make_user("replier")

    reply = posts.add_reply(post, replier, "Only for senior roles.")

    assert told(writer) == [("reply", reply.id)]
    assert unread(writer) == 1
    assert told(replier) == [] and unread(replier) == 0


def test_an_answer_to_a_reply_tells_the_replys_author(post, writer, make_user):
    first, second = make_user("first"), make_user("second")
    reply = posts.add_reply(post, first, "Only for senior roles.")

    answer = posts.add_reply(reply, second, "Not in my experience.")

    assert told(first) == [("reply", answer.id)]
    assert told(writer) == [("reply", reply.id)]  # told of the reply to them, not of this


def test_nobody_is_told_of_their_own_post(thread, post, writer):
    # Posting followed the thread (the default), so the writer hears of others' posts there.
    posts.add_reply(post, writer, "And one more thing.")
    contribute(thread, writer, "A second point of mine.")

    assert told(writer) == [] and unread(writer) == 0


def test_the_articles_author_answering_is_a_kind_of_its_own_shown_first(
    client, log_in, thread, make_thread, article, author, writer, make_user
):
    other = make_thread(article=article, title="Another question")
    mine = contribute(other, writer, "Elsewhere.")
    post = contribute(thread, writer, "Hiring posts work.")
    answer = posts.add_reply(post, author, "Thank you, and here is why.")
    later = posts.add_reply(mine, make_user("someone"), "A later reply elsewhere.")

    log_in(writer)
    page = client.get("/notifications").text

    assert told(writer) == [("author_reply", answer.id), ("reply", later.id)]
    # Newest first, except that the author's answer comes first, marked as the author's.
    assert page.index("the author of the article, answered you") < page.index("replied to you")
    assert 'class="notification author-answer unread" data-kind="author_reply"' in page


def test_a_muted_thread_tells_nothing_even_through_a_followed_article(
    thread, article, post, writer, make_user
):
    follow(writer, thread=thread, muted=True)
    follower = make_user("follower")
    follow(follower, article=article)
    follow(follower, thread=thread, muted=True)

    posts.add_reply(post, make_user(), "A reply in a muted thread.")
    contribute(thread, make_user(), "A new point in a muted thread.")

    assert told(writer) == [] and told(follower) == []


def test_followers_of_a_thread_and_its_article_are_told_once(
    thread, article, make_user, make_thread
):
    both, by_article = make_user("both"), make_user("by_article")
    follow(both, thread=thread)
    follow(both, article=article)
    follow(by_article, article=article)
    elsewhere = make_user("elsewhere")
    follow(elsewhere, thread=make_thread(article=article, title="Another"))

    post = contribute(thread, make_user(), "News for followers.")

    assert told(both) == [("new_posts", post.id)] and unread(both) == 1
    assert told(by_article) == [("new_posts", post.id)]
    assert told(elsewhere) == []


# --- One entry per thread -----------------------------------------------------------------


def test_a_thread_s_new_contributions_are_one_entry_that_counts_and_starts_again(
    client, log_in, thread, make_user
):
    follower = make_user("follower")
    follow(follower, thread=thread)
    writers = [make_user() for _ in range(5)]
    for number, writer in enumerate(writers):
        contribute(thread, writer, f"Point number {number}.")

    log_in(follower)
    page = client.get("/notifications").text
    assert len(told(follower)) == 1 and unread(follower) == 1
    assert "5 new contributions" in page and bell(page) == "1"

    (entry,) = open_form(page)
    opened = client.post(f"/notifications/{entry}/open")
    assert opened.status_code == 302 and "/posts/" in opened.headers["Location"]
    assert unread(follower) == 0

    contribute(thread, writers[0], "One more after reading.")
    page = client.get("/notifications").text
    assert len(told(follower)) == 1 and unread(follower) == 1
    assert "1 new contribution" in page and "5 new contributions" not in page


def test_opening_leads_to_the_first_new_contribution(client, log_in, thread, make_user):
    follower = make_user("follower")
    follow(follower, thread=thread)
    first = contribute(thread, make_user(), "The first new one.")
    contribute(thread, make_user(), "The second new one.")
    log_in(follower)
    (entry,) = open_form(client.get("/notifications").text)

    opened = client.post(f"/notifications/{entry}/open")

    assert opened.headers["Location"].endswith(f"/posts/{first.id}")


# --- Nothing leaks ------------------------------------------------------------------------


def test_a_post_hidden_after_it_was_told_of_drops_out_of_the_list_and_the_count(
    client, log_in, post, writer, make_user, moderator
):
    reply = posts.add_reply(post, make_user(), "Rude words here.")
    assert unread(writer) == 1

    moderation.hide_post(reply, moderator, "abusive")

    assert unread(writer) == 0  # the job that recounts ran after the hide committed
    log_in(writer)
    page = client.get("/notifications").text
    assert "Rude words here" not in page and open_form(page) == []
    assert bell(page) == "0"


def test_new_contributions_hidden_since_are_not_counted(
    client, log_in, thread, make_user, moderator
):
    follower = make_user("follower")
    follow(follower, thread=thread)
    spam = contribute(thread, make_user(), "Buy cheap followers.")
    contribute(thread, make_user(), "A real point.")

    moderation.hide_post(spam, moderator, "spam")

    log_in(follower)
    page = client.get("/notifications").text
    assert "1 new contribution" in page
    moderation.hide_post(db.session.get(type(spam), spam.id + 1), moderator, "spam")
    assert unread(follower) == 0
    assert open_form(client.get("/notifications").text) == []


def test_a_deleted_post_is_no_longer_shown_or_counted(client, log_in, post, writer, make_user):
    replier = make_user("replier")
    reply = posts.add_reply(post, replier, "Second thoughts.")

    deleting.delete_post(reply, replier)

    assert unread(writer) == 0
    log_in(writer)
    assert open_form(client.get("/notifications").text) == []


def test_posts_under_a_draft_article_never_tell_anyone(
    make_thread, draft_article, make_post, make_user
):
    follower = make_user("follower")
    thread = make_thread(article=draft_article)
    db.session.add(Follow(user_id=follower.id, thread_id=thread.id))  # (no button for drafts)
    db.session.commit()
    post = make_post(thread=thread, body="Written before publishing.")

    notifications.fan_out(post.id)  # as the queue would, had anything queued it

    assert told(follower) == [] and unread(follower) == 0


def test_an_article_taken_back_to_draft_hides_its_notifications(
    client, log_in, post, writer, make_user, article
):
    posts.add_reply(post, make_user(), "A reply.")
    article.status = ArticleStatus.DRAFT
    db.session.commit()

    log_in(writer)
    page = client.get("/notifications").text

    assert open_form(page) == [] and bell(page) == "0"  # the count is put right, too
    assert unread(writer) == 0


def test_held_replies_tell_no_one_until_approved(post, writer, make_user, moderator):
    settings.save_settings(moderator, 1, "", "")
    newcomer = make_user("newcomer")
    reply = posts.add_reply(post, newcomer, "My first reply.")
    assert reply.status == PostStatus.HELD
    assert told(writer) == []
    assert told(newcomer) == [("held", reply.id)] and unread(newcomer) == 0  # they were shown

    moderation.approve_post(reply, moderator)

    assert told(writer) == [("reply", reply.id)]
    assert told(newcomer) == [("held", reply.id), ("approved", reply.id)]
    assert unread(newcomer) == 1


# --- The queue ----------------------------------------------------------------------------


def test_a_contribution_queues_one_job_however_many_follow(thread, article, make_user, queued):
    poster = make_user("poster")
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {
                "username": f"follower{n}",
                "username_key": f"follower{n}",
                "username_fold": f"follower{n}",
                "email": f"follower{n}@example.org",
                "password_hash": PASSWORD_HASH,
                "created_at": now,
            }
            for n in range(2000)
        ],
    )
    ids = db.session.scalars(select(User.id).where(User.username.like("follower%"))).all()
    db.session.execute(
        insert(Follow),
        [
            {"user_id": user_id, "article_id": article.id, "created_at": now}
            if n % 2
            else {"user_id": user_id, "thread_id": thread.id, "created_at": now}
            for n, user_id in enumerate(ids)
        ],
    )
    db.session.commit()

    post = contribute(thread, poster, "Something for two thousand readers.")

    assert queued == ["fan_out"]
    entries = db.session.scalar(
        select(func.count()).where(
            Notification.post_id == post.id, Notification.kind == NotificationKind.NEW_POSTS
        )
    )
    assert entries == 2000
    assert db.session.scalar(select(func.sum(User.unread_notifications))) == 2000


def test_a_post_whose_transaction_rolls_back_queues_nothing(post, queued):
    post.body = "Changed in a transaction that fails."
    db.session.flush()
    events.post_listed(post)
    db.session.rollback()
    db.session.commit()  # a later transaction, which queued nothing of its own

    assert queued == []


# --- What a moderator did -----------------------------------------------------------------


def test_the_author_is_told_what_a_moderator_did_with_their_post(
    client, log_in, post, writer, moderator
):
    moderation.set_featured(post, moderator, True)
    moderation.hide_post(post, moderator, "off_topic", "Not about hiring")

    assert [kind for kind, _ in told(writer)] == ["featured", "hidden"]
    assert unread(writer) == 2
    log_in(writer)
    page = client.get("/notifications").text
    assert "editor&#39;s picks" in page or "editor's picks" in page
    assert "A moderator hid your post" in page and "Off topic: Not about hiring" in page
    assert "Edit it to send it to the moderators again." in page  # what they can do


def test_a_rejected_post_tells_its_author_why(post, make_user, moderator, client, log_in):
    settings.save_settings(moderator, 1, "", "")
    newcomer = make_user("newcomer")
    held = contribute(post.thread, newcomer, "My held point.")

    moderation.reject_post(held, moderator, "spam", "Links only")

    assert told(newcomer) == [("held", held.id), ("rejected", held.id)]
    log_in(newcomer)
    page = client.get("/notifications").text
    assert "A moderator rejected your post" in page and "Spam: Links only" in page


# --- The page -----------------------------------------------------------------------------


def test_opening_marks_read_only_by_post_and_only_ones_own(
    client, log_in, post, writer, make_user
):
    posts.add_reply(post, make_user(), "A reply.")
    log_in(writer)
    (entry,) = open_form(client.get("/notifications").text)

    assert client.get(f"/notifications/{entry}/open").status_code == 405
    assert unread(writer) == 1

    stranger = make_user("stranger")
    client.post("/auth/logout")
    log_in(stranger)
    assert client.post(f"/notifications/{entry}/open").status_code == 404
    assert client.post("/notifications/99999999/open").status_code == 404
    assert client.post("/notifications/abc/open").status_code == 404
    assert unread(writer) == 1


def test_visitors_are_sent_to_log_in(client, post, make_user):
    for response in (client.get("/notifications"), client.post("/notifications/1/open")):
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_mark_all_read(client, log_in, post, writer, make_user):
    posts.add_reply(post, make_user(), "One.")
    posts.add_reply(post, make_user(), "Two.")
    log_in(writer)

    response = client.post("/notifications/read", follow_redirects=True)

    assert "All your notifications are marked as read." in response.text
    assert unread(writer) == 0 and bell(response.text) == "0"
    assert 'data-read="false"' not in response.text and len(open_form(response.text)) == 2


def test_a_count_gone_wrong_is_put_right_when_the_list_is_read(
    client, log_in, post, writer, make_user
):
    posts.add_reply(post, make_user(), "One.")
    db.session.execute(update(User).where(User.id == writer.id).values(unread_notifications=7))
    db.session.commit()
    log_in(writer)

    page = client.get("/notifications").text

    assert bell(page) == "1" and unread(writer) == 1


def test_the_list_is_never_stored_by_a_cache(client, log_in, writer):
    log_in(writer)
    control = client.get("/notifications").headers["Cache-Control"]
    assert "no-store" in control and "private" in control


# --- The bell on pages shared between readers ----------------------------------------------


def test_the_bell_on_a_cached_page_is_each_readers_own_and_fresh(
    app, client, log_in, make_article, make_thread, writer, make_user
):
    here = make_article(title="Here", slug="here")
    elsewhere = make_thread(article=make_article(title="Elsewhere", slug="elsewhere"))
    mine = contribute(elsewhere, writer, "My point elsewhere.")
    other = app.test_client()
    other.post("/auth/login", data={"username": make_user("other").username, "password": PASSWORD})
    log_in(writer)
    client.get("/")  # the login's message shows there, not on the pages below
    other.get("/")
    url = f"/articles/{here.slug}"
    assert bell(client.get(url).text) == "0"
    assert client.get(url).headers["X-Cache"] == "hit"

    # Under another article: the page above keeps its key, and stays cached.
    posts.add_reply(mine, make_user(), "An answer to you.")

    page = client.get(url)
    assert page.headers["X-Cache"] == "hit" and bell(page.text) == "1"
    theirs = other.get(url)
    assert theirs.headers["X-Cache"] == "hit" and bell(theirs.text) == "0"

    client.post("/notifications/read")
    assert bell(client.get(url).text) == "0"


# --- The account --------------------------------------------------------------------------


def test_deleting_the_account_removes_its_notifications_and_follows(
    thread, post, writer, make_user
):
    follow(writer, thread=thread)
    posts.add_reply(post, make_user(), "A reply.")

    account_data.delete_account(writer, PASSWORD, "anonymise")

    assert told(writer) == []
    assert db.session.scalar(select(func.count()).where(Follow.user_id == writer.id)) == 0
