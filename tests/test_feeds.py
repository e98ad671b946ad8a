"""An article's debate as an Atom feed, for feed readers and the publisher's own site."""

from xml.etree import ElementTree

from forum.extensions import db
from forum.models import PostStatus, Role, Stance
from forum.services import deleting, moderation, posts
from forum.services.posts import Contribution

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ElementTree.Element]:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data).findall(f"{ATOM}entry")


def text_of(entry: ElementTree.Element, tag: str) -> str:
    return entry.find(f"{ATOM}{tag}").text


def test_feed_lists_contributions_and_replies_newest_first(client, article, thread, reader):
    first = posts.add_contribution(thread, reader, Contribution("disagree", "Not for **us**."))
    answer = posts.add_reply(first, reader, "Then what did work?")

    feed = client.get(f"/articles/{article.slug}/feed.atom")

    newest, oldest = entries(feed)
    assert text_of(newest, "title") == f"Reply in “{thread.title}”"
    assert text_of(oldest, "title") == f"Disagrees in “{thread.title}”"
    assert text_of(oldest, "id") == f"http://localhost/posts/{first.id}"
    assert oldest.find(f"{ATOM}link").get("href") == f"http://localhost/posts/{first.id}"
    assert "<strong>us</strong>" in text_of(oldest, "content")
    assert text_of(newest, "content") == str(answer.body_html)
    assert oldest.find(f"{ATOM}author/{ATOM}name").text == reader.name


def test_feed_leaves_out_what_readers_cannot_see(client, article, thread, reader, make_user):
    moderator = make_user("mod", role=Role.MODERATOR)
    shown = posts.add_contribution(thread, reader, Contribution("agree", "Shown."))
    hidden = posts.add_contribution(thread, reader, Contribution("agree", "Hidden."))
    moderation.hide_post(hidden, moderator, "spam")
    deleted = posts.add_contribution(thread, reader, Contribution("agree", "Deleted."))
    deleting.delete_post(deleted, reader)
    held = posts.add_contribution(thread, reader, Contribution("agree", "Held."))
    held.status = PostStatus.HELD
    db.session.commit()

    feed = client.get(f"/articles/{article.slug}/feed.atom")

    assert [text_of(entry, "id") for entry in entries(feed)] == [
        f"http://localhost/posts/{shown.id}"
    ]


def test_feed_of_an_article_with_no_posts_is_valid_and_empty(client, article):
    feed = client.get(f"/articles/{article.slug}/feed.atom")

    assert entries(feed) == []
    root = ElementTree.fromstring(feed.data)
    assert root.find(f"{ATOM}title").text == f"Debate: {article.title}"
    assert root.find(f"{ATOM}updated").text


def test_feed_keeps_to_its_length(app, client, article, thread, reader):
    app.config["FEED_LENGTH"] = 2
    for number in range(3):
        posts.add_contribution(thread, reader, Contribution(Stance.AGREE, f"Point {number}."))

    titles = [
        text_of(entry, "content")
        for entry in entries(client.get(f"/articles/{article.slug}/feed.atom"))
    ]

    assert titles == ["<p>Point 2.</p>\n", "<p>Point 1.</p>\n"]


def test_drafts_and_unknown_articles_have_no_feed(client, draft_article):
    assert client.get(f"/articles/{draft_article.slug}/feed.atom").status_code == 404
    assert client.get("/articles/no-such-article/feed.atom").status_code == 404


def test_article_and_thread_pages_point_feed_readers_at_it(client, article, thread):
    link = (
        f'<link rel="alternate" type="application/atom+xml" title="Debate: {article.title}" '
        f'href="/articles/{article.slug}/feed.atom">'
    )
    assert link in client.get(f"/articles/{article.slug}").text
    assert link in client.get(f"/threads/{thread.id}").text
