"""Every service that changes what a page shows makes the cached page show it at once.

Each test caches the page a visitor sees (the second request is a hit), runs one service,
and expects the next request to show the change: a service that forgot to name what it
changed (forum/changes.py) leaves the old page in the cache and fails here.
"""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from forum.extensions import db
from forum.models import Action, Base, PostStatus, Role, utcnow
from forum.sample import demo
from forum.services import account_data, accounts, articles, deleting, moderation, posts
from forum.services.accounts import Profile
from forum.services.articles import ArticleDraft
from forum.services.posts import Contribution
from forum.services.transfer import import_data
from tests.conftest import PASSWORD


def cached(client: FlaskClient, url: str) -> str:
    """The page, once it is in the cache."""
    client.get(url)
    page = client.get(url)
    assert page.headers["X-Cache"] == "hit", url
    return page.text


def fresh(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.headers["X-Cache"] == "miss", url
    return page.text


@pytest.fixture
def moderator(make_user):
    return make_user(role=Role.MODERATOR)


@pytest.fixture
def thread_url(thread) -> str:
    return f"/threads/{thread.id}"


def test_a_reply(client, thread_url, post, reader):
    cached(client, thread_url)
    posts.add_reply(post, reader, "An answer to that")
    assert "An answer to that" in fresh(client, thread_url)


def test_an_edit(client, thread_url, post, writer):
    assert post.body in cached(client, thread_url)
    posts.edit_post(post, writer, Contribution(post.stance, "Said better now"))
    assert "Said better now" in fresh(client, thread_url)


def test_a_deletion(client, thread_url, post, writer):
    assert post.body in cached(client, thread_url)
    deleting.delete_post(post, writer)
    assert post.body not in fresh(client, thread_url)


def test_a_new_thread_on_the_article_page(client, article, reader):
    url = f"/articles/{article.slug}"
    cached(client, url)
    posts.propose_thread(article, reader, "What about Instagram?")
    assert "What about Instagram?" in fresh(client, url)


@pytest.mark.parametrize(
    ("act", "shown"),
    [
        (lambda post, mod: moderation.hide_post(post, mod, "spam"), "Hidden by a moderator"),
        (lambda post, mod: moderation.set_featured(post, mod, True), "badge-featured"),
    ],
)
def test_moderating_a_post(client, thread_url, post, moderator, act, shown):
    cached(client, thread_url)
    act(post, moderator)
    assert shown in fresh(client, thread_url)


def test_restoring_a_hidden_post(client, thread_url, post, moderator):
    moderation.hide_post(post, moderator, "spam")
    assert post.body not in cached(client, thread_url)
    moderation.restore_post(post, moderator)
    assert post.body in fresh(client, thread_url)


def test_approving_a_held_post(client, thread_url, thread, make_post, moderator):
    held = make_post(thread=thread, body="Waited for a moderator", status=PostStatus.HELD)
    assert held.body not in cached(client, thread_url)
    moderation.approve_post(held, moderator)
    assert held.body in fresh(client, thread_url)


def test_locking_a_thread(client, thread_url, thread, moderator):
    cached(client, thread_url)
    moderation.set_thread_state(thread, moderator, Action.LOCK)
    assert "This thread is locked" in fresh(client, thread_url)


def test_closing_the_discussion(client, thread_url, article, moderator):
    cached(client, thread_url)
    moderation.set_discussion_open(article, moderator, False)
    assert "The discussion of this article is closed." in fresh(client, thread_url)


def test_an_article_edit_shows_on_its_pages_and_the_front_page(
    client, article, author, thread_url
):
    urls = ["/", f"/articles/{article.slug}", thread_url]
    for url in urls:
        cached(client, url)
    draft = ArticleDraft(
        title="A sharper title",
        lede=article.lede,
        body=article.body,
        questions=article.questions or "Does it work?",
        language=article.language,
        tags="",
    )
    articles.update_article(article, author, draft)
    for url in urls:
        assert "A sharper title" in fresh(client, url)


def test_a_published_article_on_the_front_page(client, author):
    cached(client, "/")
    draft = ArticleDraft("Brand new", "", "Text", "Why?", "en", "")
    articles.create_article(author, draft, publish=True)
    assert "Brand new" in fresh(client, "/")


def test_a_new_display_name(client, thread_url, post, writer):
    cached(client, thread_url)
    accounts.update_profile(writer, Profile("Wendy Writer", "", "", "en"))
    assert "Wendy Writer" in fresh(client, thread_url)


def test_a_deleted_account(client, thread_url, post, writer):
    assert writer.name in cached(client, thread_url)
    account_data.delete_account(writer, PASSWORD, "remove")
    assert post.body not in fresh(client, thread_url)


def test_a_new_role(client, thread_url, post, make_post, writer, make_user):
    make_post(parent=post, author=writer, body="Answering as a moderator")
    assert "badge-moderator" not in cached(client, thread_url)
    moderation.change_role(writer, make_user(role=Role.ADMIN), "moderator")
    assert "badge-moderator" in fresh(client, thread_url)


def test_sanctions_show_on_no_public_page_so_pages_stay_cached(
    client, thread_url, post, writer, make_user, moderator
):
    cached(client, thread_url)
    moderation.suspend_user(make_user(), moderator, utcnow() + timedelta(days=1), "Rude")
    moderation.ban_user(writer, moderator, "Spam account")
    assert client.get(thread_url).headers["X-Cache"] == "hit"


def test_the_demo_content(client):
    assert "No articles have been published yet." in cached(client, "/")
    demo.seed_demo()
    assert "No articles have been published yet." not in fresh(client, "/")


def test_an_import(app, client, tmp_path, thread, runner):
    """An import fills an empty database: here, the one the cached page was made from."""
    export = tmp_path / "forum.json"
    assert runner.invoke(args=["export", str(export)]).exit_code == 0
    cached(client, "/")
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    with export.open() as source:
        import_data(source)
    assert thread.article.title in fresh(client, "/")
